"""Binary and zip sizes per function, merged into a JSON object (infra/bench/run.sh).

    sizes.py x86_64 BIN_DIR NAME... [EXISTING_JSON]   the binaries in BIN_DIR, zipped as
                                                       `bootstrap` the way a deployment does
    sizes.py arm64 LAMBDA_DIR NAME... [EXISTING_JSON] cargo-lambda's LAMBDA_DIR/NAME/bootstrap.zip
"""
import io
import json
import os
import sys
import zipfile

arch, folder, *rest = sys.argv[1:]
existing = {}
if rest and rest[-1].startswith("{"):
    existing = json.loads(rest.pop())
sizes = {}
for name in rest:
    if arch == "arm64":
        path = os.path.join(folder, name, "bootstrap.zip")
        if not os.path.exists(path):
            continue
        with zipfile.ZipFile(path) as z:
            binary = sum(i.file_size for i in z.infolist())
        sizes[name] = {"binary_bytes": binary, "zip_bytes": os.path.getsize(path)}
    else:
        path = os.path.join(folder, name)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            z.write(path, "bootstrap")
        sizes[name] = {"binary_bytes": os.path.getsize(path), "zip_bytes": len(buffer.getvalue())}
existing[arch] = sizes
existing[arch + "_how"] = (
    "cargo lambda build --release --arm64 --output-format zip, per binary, as sam build runs it"
    if arch == "arm64"
    else "cargo build --release per binary, stripped by the release profile; zip: deflate of bootstrap"
)
print(json.dumps(existing))
