import SwtopStore
import TermCanvas
import SwtopUI

extension SessionID {
    /// The session a test's screen holds.
    static let test = SessionID(999)
}

extension SessionModels {
    /// Models a test made, held under `SessionID.test` (the id its screen holds).
    static func holding(_ log: LogModel? = nil, layer: LayerModel? = nil, inspect: InspectModel? = nil) -> SessionModels {
        let models = SessionModels()
        if let log { models.add(log, for: .test) }
        if let layer { models.add(layer, for: .test) }
        if let inspect { models.add(inspect, for: .test) }
        return models
    }
}

/// Keys through `Reducer.reduce` against one snapshot: the state they leave and every effect they asked for.
func press(_ keys: [Key], _ state: UIState, _ snapshot: StoreSnapshot) -> (UIState, [Effect]) {
    var state = state
    var effects: [Effect] = []
    for key in keys {
        let (next, more) = Reducer.reduce(state, key, snapshot)
        state = next
        effects += more
    }
    return (state, effects)
}
