"""The explorer's bundler (cruxnet.explorer.page.bundle_js): ES modules in, one script out,
each module after what it imports, names renamed as imported, and a clear error on what it
does not bundle."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cruxnet.explorer.page import bundle_js

STATIC = Path(__file__).resolve().parents[3] / "cruxnet" / "explorer" / "static"

#: main imports lib/b (which imports a) before a itself, and renames b's export.
SOURCES = {
    "main.js": 'import {twice as double, B} from "./lib/b.js";\n'
               'import {A} from "./a.js";\n'
               "globalThis.result = [double(A), B];\n",
    "lib/b.js": "/* b */\n"
                "import {\n  A,\n  inc as plusOne,\n} from '../a.js';\n"
                "export const B = plusOne(A);\n"
                "export function twice(x) { return 2 * x; }\n",
    "a.js": "export const A = 20;\n"
            "export function inc(x) { return x + 1; }\n"
            "export class Unused {}\n",
}


def _bundle(sources: dict[str, str], entry: str = "main.js") -> str:
    return bundle_js(entry, sources.__getitem__)


def test_modules_come_after_what_they_import_each_once() -> None:
    code = _bundle(SOURCES)
    order = re.findall(r"^const (__mod_\w+) = \(\(\) => \{$", code, re.M)
    assert order == ["__mod_a", "__mod_lib_b", "__mod_main"]
    assert code.startswith('(() => {\n"use strict";\n') and code.endswith("})();\n")
    assert code == _bundle(SOURCES)  # deterministic


def test_imports_become_destructuring_and_exports_return() -> None:
    code = _bundle(SOURCES)
    assert "const {twice: double, B} = __mod_lib_b;" in code
    assert "const {A, inc: plusOne} = __mod_a;" in code
    assert "const {A} = __mod_a;" in code
    assert "return {A, inc, Unused};" in code and "return {B, twice};" in code
    assert "return {};" in code  # main exports nothing
    assert not re.search(r"^\s*(import|export)\b", code, re.M)
    assert "const B = plusOne(A);" in code and "function twice(x)" in code


def test_the_bundle_runs() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is missing")
    script = _bundle(SOURCES) + "console.log(JSON.stringify(globalThis.result));\n"
    out = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True,
                         timeout=60)
    assert out.stdout.strip() == "[40,21]"


@pytest.mark.parametrize("sources, message", [
    ({"main.js": 'import {x} from "./a.js";\n', "a.js": 'import {y} from "./b/c.js";\n',
      "b/c.js": 'import {z} from "../a.js";\n'},
     r"circular import: a\.js -> b/c\.js -> a\.js"),
    ({"main.js": 'import {x} from "./main.js";\n'}, r"circular import: main\.js -> main\.js"),
    ({"main.js": "export default 1;\n"}, r"main\.js: cannot bundle 'export default 1;'"),
    ({"main.js": "const x = 1;\nexport {x};\n"}, r"cannot bundle 'export \{x\};'"),
    ({"main.js": "export let x = 1;\n"}, r"cannot bundle 'export let x = 1;'"),
    ({"main.js": "export const {x} = {x: 1};\n"}, r"cannot bundle 'export const \{x\}"),
    ({"main.js": 'import * as a from "./a.js";\n', "a.js": ""}, r"cannot bundle 'import \*"),
    ({"main.js": 'import a from "./a.js";\n', "a.js": ""}, r"cannot bundle 'import a from"),
    ({"main.js": 'import "./a.js";\n', "a.js": ""}, r"cannot bundle 'import \"\./a\.js\";'"),
    ({"main.js": 'import {} from "./a.js";\n', "a.js": ""}, r"cannot bundle 'import \{\}"),
    ({"main.js": 'import {a-b} from "./a.js";\n', "a.js": ""}, r"cannot bundle 'import \{a-b\}"),
    ({"main.js": 'import {x} from "lodash";\n'}, r"cannot bundle 'lodash': only relative"),
    ({"main.js": 'import {x} from "./a";\n'}, r"cannot bundle '\./a': only relative"),
    ({"main.js": 'import {x} from "../a.js";\n'}, r"cannot bundle '\.\./a\.js'"),
    ({"main.js": 'const a = import("./a.js");\n'}, r"cannot bundle 'import\('"),
    ({"main.js": 'import {x} from "./a.js";\n'}, r"cannot read the module a\.js \(imported by"),
    ({"main.js": 'import {x, y} from "./a.js";\n', "a.js": "export const x = 1;\n"},
     r"main\.js: a\.js does not export y"),
    ({"main.js": 'import {x} from "./a.js";\nimport {x} from "./b.js";\n',
      "a.js": "export const x = 1;\n", "b.js": "export const x = 2;\n"},
     r"main\.js: a name is imported twice"),
    ({"main.js": 'import {x} from "./a_b.js";\nimport {y} from "./a/b.js";\n',
      "a_b.js": "export const x = 1;\n", "a/b.js": "export const y = 2;\n"},
     r"a/b\.js: another module is also __mod_a_b"),
    ({"main.js": "export const x = 1;\nexport function x() {}\n"}, r"exported twice"),
])
def test_what_it_does_not_bundle_is_an_error(sources: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _bundle(sources)


def test_the_page_bundles_every_static_module() -> None:
    """Every .js under static/ is an ES module (no global IIFE) the page's bundle holds once."""
    code = bundle_js("main.js", lambda p: (STATIC / p).read_text(encoding="utf-8"))
    files = sorted(p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*.js"))
    assert sorted(re.findall(r"^// (\S+\.js)$", code, re.M)) == files
    assert {"forms/table.js", "forms/noisy_or.js", "forms/logit_additive.js", "forms/product.js",
            "forms/linear.js", "forms/shifted.js", "forms/index.js"} <= set(files)
    for f in files:
        text = (STATIC / f).read_text(encoding="utf-8")
        assert not re.search(r"^(const|var|let) \w+ = \(\(\) => \{", text, re.M), f
    node = shutil.which("node")
    if node is not None:
        subprocess.run([node, "--check", "-"], input=code, text=True, check=True, timeout=60)


def test_the_page_inlines_one_script() -> None:
    from cruxnet.catalog import load_network
    from cruxnet.explorer import explorer_page

    page = explorer_page([load_network("carlsmith_2021")], draws=0).html
    assert len(re.findall(r"^<script", page, re.M)) == 2  # the data and the code
    assert '<script>\n(() => {\n"use strict";\n// engine/' in page
    assert page.count("const __mod_forms_noisy_or = ") == 1
