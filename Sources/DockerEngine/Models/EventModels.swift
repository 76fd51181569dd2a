// Wire models: the engine's JSON as sent, fields spelled exactly as the Engine API spells them (so no
// mapping can drift). All but the id are optional: engines of different ages omit different fields, and a
// missing one must never fail a list (lists are decoded element by element, see LossyArray).

/// One line of `GET /events`.
public struct EngineEvent: Decodable, Sendable, Hashable {
    public var `Type`: String?
    /// May carry a suffix: `exec_start: sh -c ...`, `health_status: healthy`.
    public var Action: String?
    public var Actor: EventActor?
    public var scope: String?
    public var time: Int64?
    public var timeNano: Int64?
    // Deprecated fields still sent by engines before 25; used when Actor is missing.
    public var status: String?
    public var id: String?
    public var from: String?

    public init(Type: String?, Action: String?, Actor: EventActor?, time: Int64? = nil, timeNano: Int64? = nil) {
        self.Type = Type; self.Action = Action; self.Actor = Actor; self.time = time; self.timeNano = timeNano
    }

    /// The action without its suffix (`health_status: healthy` → `health_status`).
    public var verb: String {
        let action = Action ?? status ?? ""
        guard let colon = action.firstIndex(of: ":") else { return action }
        return String(action[..<colon])
    }

    public var actorID: String { Actor?.ID ?? id ?? "" }
}

public struct EventActor: Decodable, Sendable, Hashable {
    public var ID: String?
    public var Attributes: [String: String]?

    public init(ID: String?, Attributes: [String: String]? = nil) {
        self.ID = ID; self.Attributes = Attributes
    }
}
