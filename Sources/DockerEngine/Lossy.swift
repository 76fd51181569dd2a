#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Decodes a JSON array element by element, keeping the elements that decode, so one odd entry
/// (a field of an unexpected type from a newer engine) never hides the whole list.
struct LossyArray<Element: Decodable>: Decodable {
    var elements: [Element] = []
    var failures: [String] = []

    init(from decoder: Decoder) throws {
        var container = try decoder.unkeyedContainer()
        while !container.isAtEnd {
            do {
                elements.append(try container.decode(Element.self))
            } catch {
                failures.append(String(describing: error))
                // Step over the element whatever its shape, or the loop would never advance.
                if (try? container.decode(JSONValue.self)) == nil { break }
            }
        }
    }
}

/// Any JSON value; used to step over elements and to keep free-form fields.
public enum JSONValue: Decodable, Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }
}

extension KeyedDecodingContainer {
    /// A field that may be missing, null or of a surprising type; any of those yields nil.
    func lenient<T: Decodable>(_ type: T.Type, forKey key: Key) -> T? {
        (try? decodeIfPresent(type, forKey: key)) ?? nil
    }
}
