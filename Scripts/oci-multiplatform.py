#!/usr/bin/env python3
"""Writes an OCI image layout archive of one image with two platform variants (linux/amd64 and
linux/arm64), for `docker load` on an engine with the containerd image store (no registry is reachable
here, so no multi-platform image can be pulled).

    oci-multiplatform.py OUT.tar [NAME:TAG]    (default swtop/multi:latest)

Both variants hold the same one layer: /bin/busybox from the host's busybox-static and a /bin/sh link
to it, plus /etc/platform naming the variant in a second layer each (so the two differ in content,
as real variants do). Deterministic: the same host busybox gives the same digests.
"""
import hashlib
import io
import json
import sys
import tarfile

BUSYBOX = "/bin/busybox"


def tar_bytes(entries):
    """entries: (name, kind, data_or_target, mode); kinds: dir, file, symlink."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, kind, payload, mode in entries:
            info = tarfile.TarInfo(name)
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mode = mode
            if kind == "dir":
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif kind == "symlink":
                info.type = tarfile.SYMTYPE
                info.linkname = payload
                tar.addfile(info)
            else:
                info.size = len(payload)
                tar.addfile(info, io.BytesIO(payload))
    return out.getvalue()


def blob(blobs, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    blobs[digest] = data
    return digest, len(data)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out_path = sys.argv[1]
    name = sys.argv[2] if len(sys.argv) > 2 else "swtop/multi:latest"
    repo, _, tag = name.rpartition(":")
    full = repo if "/" in repo.split("/")[0] or "." in repo.split("/")[0] else "docker.io/" + repo
    with open(BUSYBOX, "rb") as f:
        busybox = f.read()
    base = tar_bytes([("bin", "dir", None, 0o755), ("bin/busybox", "file", busybox, 0o755),
                      ("bin/sh", "symlink", "/bin/busybox", 0o777), ("etc", "dir", None, 0o755)])
    blobs = {}
    base_digest, base_size = blob(blobs, base)
    manifests = []
    for arch in ("amd64", "arm64"):
        extra = tar_bytes([("etc", "dir", None, 0o755), ("etc/platform", "file", f"linux/{arch}\n".encode(), 0o644)])
        extra_digest, extra_size = blob(blobs, extra)
        config = {
            "architecture": arch, "os": "linux",
            "config": {"Cmd": ["/bin/sh"], "Labels": {"swtop.sample": "1"}},
            "rootfs": {"type": "layers", "diff_ids": [base_digest, extra_digest]},
            "history": [{"created": "2026-01-01T00:00:00Z", "created_by": "ADD busybox /bin/"},
                        {"created": "2026-01-01T00:00:01Z", "created_by": f"ADD platform-{arch} /etc/platform"}],
        }
        config_digest, config_size = blob(blobs, json.dumps(config, sort_keys=True).encode())
        manifest = {
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config_size},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": d, "size": s}
                       for d, s in ((base_digest, base_size), (extra_digest, extra_size))],
        }
        manifest_digest, manifest_size = blob(blobs, json.dumps(manifest, sort_keys=True).encode())
        manifests.append({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest_digest,
                          "size": manifest_size, "platform": {"architecture": arch, "os": "linux"}})
    image_index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests}
    index_digest, index_size = blob(blobs, json.dumps(image_index, sort_keys=True).encode())
    top = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [{
        "mediaType": "application/vnd.oci.image.index.v1+json", "digest": index_digest, "size": index_size,
        "annotations": {"io.containerd.image.name": f"{full}:{tag}", "org.opencontainers.image.ref.name": tag}}]}
    with tarfile.open(out_path, mode="w", format=tarfile.PAX_FORMAT) as tar:
        def add(path, data):
            info = tarfile.TarInfo(path)
            info.size = len(data)
            info.mtime = 0
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
        add("oci-layout", json.dumps({"imageLayoutVersion": "1.0.0"}).encode())
        add("index.json", json.dumps(top, sort_keys=True).encode())
        for digest, data in sorted(blobs.items()):
            add("blobs/sha256/" + digest.split(":", 1)[1], data)
    print(index_digest)


if __name__ == "__main__":
    main()
