"""List notebook cells that `nbdev-proc-nbs` would execute although they are not docs cells.

nbdev's docs processor runs every code cell that contains an import anywhere (to make `show_doc` work). A test or
benchmark cell with an import in it would then run while the docs are built, and fail when it needs earlier cells.
Keep imports in import-only cells. Exit 1 when any such cell is found.
"""
import ast, json, re, sys
from pathlib import Path

def _rc(n):
    "A `plt.rcParams[...] = ...` line: harmless next to imports."
    return isinstance(n, ast.Assign) and all(isinstance(t, ast.Subscript) and isinstance(t.value, ast.Attribute)
                                             and t.value.attr == 'rcParams' for t in n.targets)

def offenders(nb_path):
    nb = json.loads(Path(nb_path).read_text())
    for i, c in enumerate(nb['cells']):
        if c['cell_type'] != 'code': continue
        src = ''.join(c['source'])
        if re.search(r'^#\|\s*(export|exports|exporti|exec_doc|eval:\s*false)\b', src, re.M): continue
        try: tree = ast.parse('\n'.join(l for l in src.splitlines() if not l.startswith(('%', '!'))))
        except SyntaxError: continue
        imports = any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(tree))
        other = [n for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom)) and not _rc(n)]
        if imports and other and 'nbdev_export()' not in src: yield i, src.splitlines()[0][:80]

if __name__ == '__main__':
    bad = [(p, i, s) for p in sorted(Path(sys.argv[1] if len(sys.argv) > 1 else 'nbs').glob('*.ipynb')) for i, s in offenders(p)]
    for p, i, s in bad: print(f"{p} cell {i}: imports mixed with code (nbdev-proc-nbs would run it): {s}")
    sys.exit(1 if bad else 0)
