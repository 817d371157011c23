"""Assemble the explorer's WebAssembly kernels: cruxnet/explorer/static/kernels.wat ->
kernels.wasm, with wabt from npm (pinned below; a build tool, nothing of it ships).

    python scripts/build_wasm.py

Writes kernels.wasm and kernels.wasm.json (the wabt version and the sha256 of the source and
of the binary); tests/system/test_explorer_browser.py fails when the .wat changed without a
rebuild. Needs node and npm (the npm registry), only when the .wat changes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WABT = "1.0.39"
STATIC = Path(__file__).resolve().parents[1] / "cruxnet" / "explorer" / "static"

ASSEMBLE = """
const fs = require("fs");
require("wabt")().then((wabt) => {
  const mod = wabt.parseWat("kernels.wat", fs.readFileSync(process.argv[2], "utf8"),
                            {simd: true});
  mod.validate();
  fs.writeFileSync(process.argv[3], Buffer.from(mod.toBinary({}).buffer));
});
"""


def main() -> int:
    if shutil.which("npm") is None or shutil.which("node") is None:
        print("build_wasm: node and npm are needed (apt-get install nodejs npm)",
              file=sys.stderr)
        return 2
    source = STATIC / "kernels.wat"
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "install", "--silent", "--no-save", "--prefix", tmp,
                        f"wabt@{WABT}"], check=True)
        (Path(tmp) / "assemble.js").write_text(ASSEMBLE)
        out = Path(tmp) / "kernels.wasm"
        subprocess.run(["node", str(Path(tmp) / "assemble.js"), str(source), str(out)],
                       check=True, cwd=tmp)
        binary = out.read_bytes()
    (STATIC / "kernels.wasm").write_bytes(binary)
    manifest = {"wabt": WABT, "source_sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
                "wasm_sha256": hashlib.sha256(binary).hexdigest(), "bytes": len(binary)}
    (STATIC / "kernels.wasm.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote kernels.wasm ({len(binary)} bytes, wabt {WABT})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
