"""Check the import arrows of the package (DESIGN.md §1).

1. No function-level import of the package itself: every module states what it depends on at its top.
2. The algorithm modules do not load data: importing `deep_compression.prune` (and quantize, sensitivity, huffman,
   format) must not import `deep_compression.data`.
Exit 1 on any violation.
"""
import ast, subprocess, sys
from pathlib import Path

PURE = ['prune', 'quantize', 'sensitivity', 'huffman', 'format', 'models', 'config']

def inner_imports(path:Path)->list:
    "Line numbers of imports of the package inside function or class bodies of `path`."
    bad = []
    for fn in ast.walk(ast.parse(path.read_text())):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)): continue
        for n in ast.walk(fn):
            if isinstance(n, ast.ImportFrom) and (n.level or (n.module or '').startswith('deep_compression')): bad.append(n.lineno)
            if isinstance(n, ast.Import) and any(a.name.startswith('deep_compression') for a in n.names): bad.append(n.lineno)
    return bad

def main(root=Path(__file__).resolve().parent.parent)->int:
    errs = [f"{p.name}:{l}: function-level import of the package" for p in sorted((root/'deep_compression').glob('*.py'))
            for l in inner_imports(p)]
    for mod in PURE:
        code = f"import sys, deep_compression.{mod}; print('deep_compression.data' in sys.modules)"
        out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout.strip()
        if out != 'False': errs.append(f"importing deep_compression.{mod} imports deep_compression.data")
    for e in errs: print(e, file=sys.stderr)
    print(f"import arrows: {len(errs)} problems")
    return 1 if errs else 0

if __name__ == '__main__': sys.exit(main())
