"""Build the docs site without Quarto: nbdev's notebook processing (as `nbdev-proc-nbs`), then `smalldocs render
_proc`, into `_proc/_docs/`.

smalldocs names each page after its notebook (`02_prune.html`) and does not read the `output-file` that nbdev sets
in the processed notebooks (`prune.html`), which is where nbdev's doc links point. So each page is also written under
its `output-file` name. Exit 1 when a step fails or a page is missing.
"""
import json, re, shutil, subprocess, sys
from pathlib import Path

def output_file(nb:Path)->str|None:
    "The `output-file` of a processed notebook's front matter, if any."
    cells = json.loads(nb.read_text())['cells']
    m = re.search(r'^output-file:\s*(\S+)', ''.join(cells[0]['source']), re.M) if cells else None
    return m.group(1) if m else None

def main(root:Path=Path('.'))->int:
    proc = root/'_proc'
    import nbdev.quarto
    nbdev.quarto._ensure_quarto = lambda: None  # `nbdev-proc-nbs` would try `sudo` + a Quarto download first
    nbdev.quarto._pre_docs(str(root.resolve()/'nbs'))  # what `nbdev-proc-nbs` does after that: sidebar, modidx, _proc/
    subprocess.run(['smalldocs', 'render', '--quiet', str(proc)], check=True)
    site, missing = proc/'_docs', []
    for nb in sorted(proc.glob('*.ipynb')):
        page = site/f'{nb.stem}.html'
        if not page.exists(): missing.append(page.name); continue
        if (out := output_file(nb)) and out != page.name: shutil.copyfile(page, site/out)
    if missing: print(f"pages missing from {site}: {', '.join(missing)}", file=sys.stderr); return 1
    print(f"docs: {site}/index.html")
    return 0

if __name__ == '__main__': sys.exit(main(Path(__file__).resolve().parent.parent))
