import LayerKit

/// swtop/layers:latest (Resources/sample-image/Dockerfile), layers 1–9, written down by hand from the
/// Dockerfile: what each layer's tar holds, and what swtop must say each layer changed.
public enum SampleImage {
    public static func dir(_ path: String, opaque: Bool = false) -> FileRecord {
        FileRecord(path: path, kind: .directory, mode: 0o755, opaque: opaque)
    }

    public static func file(_ path: String, _ size: Int64, mode: UInt32 = 0o644) -> FileRecord {
        FileRecord(path: path, kind: .file, mode: mode, size: size)
    }

    public static let app = "/opt/app"

    /// Records of layers 1…9 (index 0 here is layer 1), content hashes left out.
    public static let records: [[FileRecord]] = [
        // COPY files/ /opt/app/
        [dir("/opt"), dir(app), dir(app + "/bin"), file(app + "/bin/tool.sh", 55), file(app + "/config.txt", 11),
         dir(app + "/data"), file(app + "/data/a.txt", 11), file(app + "/data/b.txt", 11), file(app + "/notes.txt", 11),
         file(app + "/to-delete.txt", 38)],
        // ln -s config.txt current; cache/v1/{one,two}.txt
        [dir("/opt"), dir(app), dir(app + "/cache"), dir(app + "/cache/v1"), file(app + "/cache/v1/one.txt", 11),
         file(app + "/cache/v1/two.txt", 11),
         FileRecord(path: app + "/current", kind: .symlink, mode: 0o777, link: "config.txt")],
        // config.txt rewritten with 11 other bytes, notes.txt longer
        [dir("/opt"), dir(app), file(app + "/config.txt", 11), file(app + "/notes.txt", 42)],
        // chmod 0755 bin/tool.sh: the whole file copied up
        [dir("/opt"), dir(app), dir(app + "/bin"), file(app + "/bin/tool.sh", 55, mode: 0o755)],
        // rm to-delete.txt
        [dir("/opt"), dir(app), FileRecord(path: app + "/to-delete.txt", kind: .whiteout)],
        // rm -rf cache; mkdir cache/v2: an opaque directory
        [dir("/opt"), dir(app), dir(app + "/cache", opaque: true), dir(app + "/cache/v2"), file(app + "/cache/v2/fresh.txt", 6)],
        // ln -sfn notes.txt current
        [dir("/opt"), dir(app), FileRecord(path: app + "/current", kind: .symlink, mode: 0o777, link: "notes.txt")],
        // ln data/a.txt data/a-hardlink.txt: Docker writes the first name in sorted order as the file
        // ("a-hardlink.txt" < "a.txt") and the other as a hardlink to it.
        [dir("/opt"), dir(app), dir(app + "/data"), file(app + "/data/a-hardlink.txt", 11),
         FileRecord(path: app + "/data/a.txt", kind: .hardlink, mode: 0o644, link: app + "/data/a-hardlink.txt")],
        // dd 8 MiB of zeros
        [dir("/opt"), dir(app), file(app + "/blob.bin", 8_388_608)],
    ]

    /// What each of layers 1…9 changed, judged against the image below it, in the order swtop lists
    /// them (a layer's removals first, then its entries in tar order).
    public static let changes: [[String]] = [
        ["added /opt", "added /opt/app", "added /opt/app/bin", "added /opt/app/bin/tool.sh", "added /opt/app/config.txt",
         "added /opt/app/data", "added /opt/app/data/a.txt", "added /opt/app/data/b.txt", "added /opt/app/notes.txt",
         "added /opt/app/to-delete.txt"],
        ["unchanged /opt", "unchanged /opt/app", "added /opt/app/cache", "added /opt/app/cache/v1",
         "added /opt/app/cache/v1/one.txt", "added /opt/app/cache/v1/two.txt", "added /opt/app/current"],
        // same size, other bytes: told by the content hash; other size: told by the size
        ["unchanged /opt", "unchanged /opt/app", "modified /opt/app/config.txt", "modified /opt/app/notes.txt"],
        ["unchanged /opt", "unchanged /opt/app", "unchanged /opt/app/bin", "modified /opt/app/bin/tool.sh"],
        ["removed /opt/app/to-delete.txt", "unchanged /opt", "unchanged /opt/app"],
        // the opaque directory removes what the lower layers had under it
        ["removed /opt/app/cache/v1", "removed /opt/app/cache/v1/one.txt", "removed /opt/app/cache/v1/two.txt",
         "unchanged /opt", "unchanged /opt/app", "unchanged /opt/app/cache", "added /opt/app/cache/v2",
         "added /opt/app/cache/v2/fresh.txt"],
        // a new link target is a modification (dive calls it unmodified)
        ["unchanged /opt", "unchanged /opt/app", "modified /opt/app/current"],
        ["unchanged /opt", "unchanged /opt/app", "unchanged /opt/app/data", "added /opt/app/data/a-hardlink.txt",
         "modified /opt/app/data/a.txt"],
        ["unchanged /opt", "unchanged /opt/app", "added /opt/app/blob.bin"],
    ]

    public static func describe(_ changes: [LayerChange]) -> [String] {
        changes.map { "\($0.change.jsonName) \($0.record.path)" }
    }

    public static func withoutHashes(_ records: [FileRecord]) -> [FileRecord] {
        records.map { var r = $0; r.hash = nil; return r }
    }

    // dive 0.13.1 on this image, both engines (dive-ci-*.stdout, dive-*.json):
    public static let diveEfficiency = 0.9999848620085299
    public static let diveWastedBytes: Int64 = 234
    public static let diveUserWastedPercent = 2.7894029390293738e-05
    public static let diveSizeBytes: Int64 = 10_371_257
    /// dive's list, largest first: count, bytes, path.
    public static let diveInefficientFiles = [
        "2 110 /opt/app/bin/tool.sh", "2 53 /opt/app/notes.txt", "2 38 /opt/app/to-delete.txt",
        "2 22 /opt/app/config.txt", "2 11 /opt/app/data/a.txt", "2 0 /opt/app/current",
    ]

    /// An efficiency report's inefficient files as dive lists them: "count bytes path".
    public static func describe(_ files: [InefficientFile]) -> [String] {
        files.map { "\($0.count) \($0.size) \($0.path)" }
    }

    /// Regular file bytes of the busybox base layer (busybox 1982256 + group 27 + passwd 82).
    public static let baseLayerBytes: Int64 = 1_982_365
    /// Bytes the layers store that the final image does not show: tool.sh's first copy 55, config.txt's
    /// 11 and notes.txt's 11, to-delete.txt 38, a.txt's layer-1 copy 11 (its content lives on as
    /// The records as the containerd image store's differ writes them: `rm -rf cache; mkdir cache/v2`
    /// becomes a whiteout of cache/v1 in an ordinary directory, not an opaque directory (same result).
    public static var containerdRecords: [[FileRecord]] {
        var layers = records
        let app = "/opt/app"
        layers[5] = [dir("/opt"), dir(app), dir(app + "/cache"), FileRecord(path: app + "/cache/v1", kind: .whiteout),
                     dir(app + "/cache/v2"), file(app + "/cache/v2/fresh.txt", 6)]
        return layers
    }

    /// a-hardlink.txt, written again in layer 8), cache/v1/one.txt and two.txt 22 (under the opaque
    /// directory): 148.
    public static let reclaimableBytes: Int64 = 55 + 11 + 11 + 38 + 11 + 22
}
