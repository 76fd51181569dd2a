import TermCanvas

/// Where things go on the screen, shared by the reducer (page size) and the renderer.
enum Layout {
    /// Rows of the list area: all but the title bar, the message line and the key hints.
    static func listHeight(_ state: UIState) -> Int { max(1, state.height - 3) }

    static func sortColumns(_ view: ViewKind) -> [String] {
        switch view {
        case .containers: return ContainerRows.sortColumns
        case .images: return ResourceRows.imageSortColumns
        case .volumes: return ResourceRows.volumeSortColumns
        case .networks: return ResourceRows.networkSortColumns
        }
    }

    /// The detail pane takes the lower part of the list when there is room, else all of it.
    static func splitForDetails(_ area: Rect) -> (list: Rect, details: Rect) {
        guard area.height >= 14 else { return (Rect(x: area.x, y: area.y, width: area.width, height: 0), area) }
        let detailHeight = min(16, max(9, area.height * 45 / 100))
        let (list, details) = area.splitBottom(detailHeight)
        return (list, details)
    }
}
