#!/usr/bin/env python3
"""Writes a tiny OCI image layout that skopeo can push, with no Docker engine.

Usage: make-oci-image.py DIR [--tag latest] [--text "hello"] [--helm]
       make-oci-image.py DIR --index --tag 1.0      (a one-platform OCI index)
The layer holds one file whose content is --text, so different texts give different digests.
--helm gives the config the Helm chart media type (reghook then also sends chart_push).
"""
import argparse, gzip, hashlib, io, json, os, tarfile


def blob(root, data):
    digest = hashlib.sha256(data).hexdigest()
    path = os.path.join(root, "blobs", "sha256")
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, digest), "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--tag", default="latest")
    p.add_argument("--text", default="hello from reghook\n")
    p.add_argument("--helm", action="store_true")
    p.add_argument("--index", action="store_true")
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        data = a.text.encode()
        info = tarfile.TarInfo("hello.txt")
        info.size, info.mtime = len(data), 0
        tar.addfile(info, io.BytesIO(data))
    layer = blob(a.dir, gzip.compress(raw.getvalue(), mtime=0))
    layer["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip"
    config_type = ("application/vnd.cncf.helm.config.v1+json" if a.helm
                   else "application/vnd.oci.image.config.v1+json")
    config_doc = {"architecture": "amd64", "os": "linux",
                  "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(raw.getvalue()).hexdigest()]}}
    if a.helm:
        config_doc = {"name": "chart", "version": a.tag, "apiVersion": "v2"}
    config = blob(a.dir, json.dumps(config_doc).encode())
    config["mediaType"] = config_type
    manifest_doc = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": config, "layers": [layer]}
    manifest = blob(a.dir, json.dumps(manifest_doc).encode())
    manifest["mediaType"] = "application/vnd.oci.image.manifest.v1+json"
    top = manifest
    if a.index:
        manifest["platform"] = {"architecture": "amd64", "os": "linux"}
        index_doc = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                     "manifests": [manifest]}
        top = blob(a.dir, json.dumps(index_doc).encode())
        top["mediaType"] = "application/vnd.oci.image.index.v1+json"
    top["annotations"] = {"org.opencontainers.image.ref.name": a.tag}
    with open(os.path.join(a.dir, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    with open(os.path.join(a.dir, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [top]}, f)
    print(top["digest"])


if __name__ == "__main__":
    main()
