import DockerEngine
import SwtopStore
import TermCanvas

/// `d`, `t` and `n` on the images, volumes and networks lists: what is in use says by whom before
/// anything is sent; every change asks first.
enum ResourceReducer {
    /// The predefined networks every engine has; it refuses to remove them.
    static let predefinedNetworks: Set<String> = ["bridge", "host", "none", "podman"]

    /// `d` on an image, a volume or a network.
    static func remove(_ state: UIState, _ snapshot: StoreSnapshot) -> (UIState, [Effect]) {
        var state = state
        guard let key = selectedRow(state, snapshot) else {
            state.notice = ActionResult(text: "nothing selected to remove", isError: true)
            return (state, [])
        }
        switch key {
        case let .image(id, engine):
            let image = snapshot.images.first { $0.Id == id && ($0.engine ?? "") == engine }
            let name = image?.tags.first ?? ShortID.image(id)
            let tags = image?.tags ?? []
            if tags.count > 1 {
                // Several tags: d takes one off (the one the filter names, else the first); the image stays.
                let tag = meantTag(tags, state) ?? tags[0]
                let others = tags.filter { $0 != tag }
                state.confirm = Confirmation(question: "Untag \(tag)? The image stays as \(Self.list(others)).",
                                             effects: [.resource(.removeImage(id: tag, name: tag, force: false), engine: engine)])
                return (state, [])
            }
            let users = snapshot.containers.filter { $0.imageID == id && $0.engine == engine }.sorted { $0.name < $1.name }
            if users.contains(where: { $0.state.isActive }) {
                let running = users.filter { $0.state.isActive }.map(\.name)
                state.notice = ActionResult(text: "image \(name) is used by running container\(running.count == 1 ? "" : "s") "
                                                + "\(Self.list(running)): stop and remove \(running.count == 1 ? "it" : "them") first",
                                            isError: true)
                return (state, [])
            }
            if users.isEmpty {
                state.confirm = Confirmation(question: "Remove image \(name)?",
                                             effects: [.resource(.removeImage(id: id, name: name, force: false), engine: engine)])
            } else {
                // Stopped containers keep an image; force takes it from under them (they cannot start again).
                state.confirm = Confirmation(question: "Image \(name) is used by stopped container\(users.count == 1 ? "" : "s") "
                                                 + "\(Self.list(users.map(\.name))). Remove it anyway (force)?",
                                             effects: [.resource(.removeImage(id: id, name: name, force: true), engine: engine)])
            }
        case let .volume(name, engine):
            let users = snapshot.containers.filter { container in
                container.engine == engine && container.mounts.contains { $0.Type == "volume" && $0.Name == name }
            }.map(\.name).sorted()
            guard users.isEmpty else {
                state.notice = ActionResult(text: "volume \(name) is in use by \(Self.list(users)): remove "
                                                + "\(users.count == 1 ? "that container" : "those containers") first", isError: true)
                return (state, [])
            }
            state.confirm = Confirmation(question: "Remove volume \(name)? Its data is deleted.",
                                         effects: [.resource(.removeVolume(name: name), engine: engine)])
        case let .network(id, engine):
            let network = snapshot.networks.first { $0.Id == id && ($0.engine ?? "") == engine }
            let name = network?.Name ?? ShortID.container(id)
            if Self.predefinedNetworks.contains(name) {
                state.notice = ActionResult(text: "\(name) is a predefined network: the engine keeps it", isError: true)
                return (state, [])
            }
            let users = snapshot.containers.filter { $0.engine == engine && $0.networks.contains(name) }.map(\.name).sorted()
            guard users.isEmpty else {
                state.notice = ActionResult(text: "network \(name) has \(Self.list(users)) connected: remove or disconnect "
                                                + "\(users.count == 1 ? "it" : "them") first", isError: true)
                return (state, [])
            }
            state.confirm = Confirmation(question: "Remove network \(name)?",
                                         effects: [.resource(.removeNetwork(id: id, name: name), engine: engine)])
        default:
            state.notice = ActionResult(text: "select a row to remove", isError: true)
        }
        return (state, [])
    }

    /// `t` on an image: asks for the new REPOSITORY[:TAG].
    static func tag(_ state: UIState, _ snapshot: StoreSnapshot) -> (UIState, [Effect]) {
        var state = state
        guard let (image, engine) = selectedImage(state, snapshot) else {
            state.notice = ActionResult(text: "no image selected", isError: true)
            return (state, [])
        }
        state.prompt = Prompt(purpose: .tag, target: Target(id: image.Id, name: image.tags.first ?? ShortID.image(image.Id), engine: engine),
                              values: [])
        state.editCursor = 0
        return (state, [])
    }

    /// `n` on volumes or networks: asks for the name (and a network's driver).
    static func create(_ state: UIState, _ snapshot: StoreSnapshot) -> (UIState, [Effect]) {
        var state = state
        let engine = Self.engine(state, snapshot)
        switch state.view {
        case .volumes: state.prompt = Prompt(purpose: .newVolume, target: Target(id: "", name: engine, engine: engine), values: [])
        case .networks: state.prompt = Prompt(purpose: .newNetwork, target: Target(id: "", name: engine, engine: engine), values: [])
        default: return (state, [])
        }
        state.editCursor = 0
        return (state, [])
    }

    /// What a submitted tag or create prompt sends.
    static func submit(_ state: UIState, _ prompt: Prompt, _ values: [String]) -> (UIState, [Effect]) {
        var state = state
        let target = prompt.target
        switch prompt.purpose {
        case .tag:
            guard let (repository, tag) = Self.reference(values[0]) else {
                state.notice = ActionResult(text: "t: “\(values[0])” is not a REPOSITORY[:TAG]", isError: true)
                return (state, [])
            }
            return (state, [.resource(.tagImage(id: target.id, name: target.name, repository: repository, tag: tag), engine: target.engine)])
        case .newVolume:
            guard !values[0].isEmpty else {
                state.notice = ActionResult(text: "n: no volume name given", isError: true)
                return (state, [])
            }
            return (state, [.resource(.createVolume(name: values[0]), engine: target.engine)])
        case .newNetwork:
            guard !values[0].isEmpty else {
                state.notice = ActionResult(text: "n: no network name given", isError: true)
                return (state, [])
            }
            return (state, [.resource(.createNetwork(name: values[0], driver: values[1].isEmpty ? nil : values[1]),
                                      engine: target.engine)])
        case .exec, .run, .pull, .build:
            return (state, [])
        }
    }

    /// `registry:5000/team/app:1.2` → (`registry:5000/team/app`, `1.2`); no tag → nil (the engine's `latest`).
    /// A repository is lower case letters, digits and `._-/:`; a tag at most 128 of `\w.-`.
    static func reference(_ text: String) -> (String, String?)? {
        let text = text.trimmingWhitespace
        guard !text.isEmpty, !text.contains(" "), !text.contains("@") else { return nil }
        var repository = text
        var tag: String?
        if let colon = text.lastIndex(of: ":"), !text[colon...].contains("/") {
            repository = String(text[..<colon])
            tag = String(text[text.index(after: colon)...])
        }
        let repoOK = !repository.isEmpty && !repository.hasPrefix("/") && !repository.hasSuffix("/")
            && repository.allSatisfy { ($0.isLowercase || $0.isNumber || "._-/:".contains($0)) && $0.isASCII }
        let tagOK = tag.map { !$0.isEmpty && $0.count <= 128 && $0.allSatisfy { ($0.isLetter || $0.isNumber || "_.-".contains($0)) && $0.isASCII } } ?? true
        return repoOK && tagOK ? (repository, tag) : nil
    }

    /// The engine a list-wide action goes to: the selected row's with several engines (else the first
    /// that answers), the one engine's own name otherwise.
    static func engine(_ state: UIState, _ snapshot: StoreSnapshot) -> String {
        guard snapshot.members.count > 1 else { return snapshot.members.first?.name ?? snapshot.engine }
        if let key = state.selection[state.view] {
            if let id = key.containerID, let item = snapshot.containers.first(where: { $0.id == id }) { return item.engine }
            if let engine = key.engine, !engine.isEmpty { return engine }
        }
        return snapshot.members.first { !$0.isUnreachable }?.name ?? snapshot.members[0].name
    }

    /// The row the list's cursor is on (the first row when the selection is gone).
    static func selectedRow(_ state: UIState, _ snapshot: StoreSnapshot) -> RowKey? {
        let keys = RowKeys.of(snapshot, state)
        return state.selection[state.view].flatMap { keys.contains($0) ? $0 : nil } ?? keys.first
    }

    /// The image under the images list's cursor.
    static func selectedImage(_ state: UIState, _ snapshot: StoreSnapshot) -> (image: ImageSummary, engine: String)? {
        guard state.view == .images, case let .image(id, engine)? = selectedRow(state, snapshot),
              let image = snapshot.images.first(where: { $0.Id == id && ($0.engine ?? "") == engine }) else { return nil }
        return (image, engine)
    }

    /// The tag of an image with several that an action means: the one the list's filter names, else the first.
    static func meantTag(_ tags: [String], _ state: UIState) -> String? {
        let filter = state.currentFilter.lowercased()
        let matching = filter.isEmpty ? [] : tags.filter { $0.lowercased().contains(filter) }
        return matching.count == 1 ? matching[0] : tags.first
    }

    static func list(_ names: [String]) -> String {
        names.count <= 3 ? names.joined(separator: ", ") : names.prefix(3).joined(separator: ", ") + " and \(names.count - 3) more"
    }
}
