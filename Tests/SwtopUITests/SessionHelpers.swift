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
