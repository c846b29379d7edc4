#!/usr/bin/env python
"""Mutation testing of the library: plant one realistic single-line bug at a time and run the notebooks that own it.

Each mutant is an exact replacement of one line's text in a module. For each, the package, the notebooks and the
tests are copied to a temporary folder, the mutant is applied to the module *and* to the notebook export cell that
holds the same line (so that the notebooks' closing `nbdev_export()` cannot undo it), and the owning notebooks run
there with `nbdev-test`, one after the other, until one fails (killed) or all pass (survived).

    nice -n 19 env OMP_NUM_THREADS=1 python tools/mutate.py            # every mutant
    python tools/mutate.py --only P1,H3 --timeout 900                  # a subset, by id or by id prefix (P, Q, H, F, E)
    python tools/mutate.py --list                                      # the mutants, without running anything

mutmut and cosmic-ray were considered: both generate every operator mutation at every site, which at a few minutes
per notebook run is days of CPU, and both mutate the working tree in place (which the notebooks' own
`nbdev_export()` would overwrite); mutmut 3 only drives pytest. A short hand-written list of bugs a reviewer would
plant is the useful run here.
"""
import argparse, json, os, re, shutil, subprocess, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS = {'prune': ['02_prune'], 'quantize': ['04_quantize'], 'huffman': ['05_huffman', '05b_format'],
       'format': ['05b_format'], 'experiment': ['08_experiment'], 'models': ['01_models', '08_experiment']}

# (id, module, old text, new text, what the bug is); `old` must occur exactly once in the module
MUTANTS = [
    ('P1', 'prune', "return w.abs() >= q * w.float().std()", "return w.abs() > q * w.float().std()",
     "std_mask: a weight exactly at the threshold is pruned (> for >=)"),
    ('P2', 'prune', "q * w.float().std()", "q * w.float().std(unbiased=False)",
     "std_mask: population std instead of the sample std"),
    ('P3', 'prune', "[:round(sparsity * a.numel())]", "[:int(sparsity * a.numel())]",
     "sparsity_mask: the count is truncated instead of rounded"),
    ('P4', 'prune', "a = a.masked_fill(~mask.flatten(), -1.)", "a = a.masked_fill(~mask.flatten(), 0.)",
     "sparsity_mask: already-pruned weights tie with exact zeros"),
    ('P5', 'prune', "dropout_rate(drop.p_dense, m.weight.numel()", "dropout_rate(drop.p, m.weight.numel()",
     "adjust_dropout: scales the current rate, not the dense one (compounds over rounds)"),
    ('P6', 'prune', "return p * math.sqrt(c_pruned / c_orig)", "return p * c_pruned / c_orig",
     "dropout_rate: Eq. 2 without the square root"),
    ('P7', 'prune', "for r in range(1, rounds + 1)]", "for r in range(rounds)]",
     "prune_steps: off by one round (starts at 0, never reaches the target)"),
    ('P8', 'prune', "df['rate'] = (df.params / df.nonzero).round(2)", "df['rate'] = (df.params / df.nonzero).round(0)",
     "prune_report: the rate rounded to an integer"),
    ('Q1', 'quantize', "if np.count_nonzero(xs[1:] != xs[:-1]) < k:", "if np.count_nonzero(xs[1:] != xs[:-1]) <= k:",
     "kmeans1d: 2^bits + 1 distinct values kept as 2^bits + 1 centroids"),
    ('Q2', 'quantize', "return torch.uint8 if k <= 256 else torch.int16", "return torch.uint8 if k < 256 else torch.int16",
     "index_dtype: a 256-entry codebook gets an int16 index"),
    ('Q3', 'quantize', "bits=max(1, math.ceil(math.log2(k))) if k", "bits=math.ceil(math.log2(k)) if k",
     "quant_report: a one-entry codebook takes 0 bits"),
    ('Q4', 'quantize', "pos = (np.arange(k) + 0.5)/k * (len(xs) - 1)", "pos = np.arange(k)/k * (len(xs) - 1)",
     "init_density: quantile levels i/k instead of (i + 1/2)/k"),
    ('Q5', 'quantize', "return np.where(r > v, np.nextafter", "return np.where(r >= v, np.nextafter",
     "_floor_to: rounds down an exactly representable midpoint too"),
    ('Q6', 'quantize', "lab[amb] = np.searchsorted(mids, x[amb], side='left')", "lab[amb] = np.searchsorted(mids, x[amb], side='right')",
     "_assign: a weight exactly on a boundary joins the upper cluster"),
    ('Q7', 'quantize', "gc = g.new_zeros(k + 1).index_add_(0, s, g.flatten()); gc[k] = 0",
     "gc = g.new_zeros(k + 1).index_add_(0, s, g.flatten())", "share_grad: the pruned weights' slot keeps its gradient"),
    ('Q8', 'quantize', "conv_bits if isinstance(m, nn.Conv2d) else fc_bits", "fc_bits if isinstance(m, nn.Conv2d) else conv_bits",
     "layer_bits: conv and fc defaults swapped"),
    ('Q9', 'quantize', "w.copy_(torch.where(mask, m.weight_codebook[idx.long()], 0.))", "w.copy_(m.weight_codebook[idx.long()] * mask)",
     "quantize_layer: pruned weights become -0.0 under a negative centroid"),
    ('Q10', 'quantize', "far = np.argsort(-(xs[cand] - c[own])**2, kind='stable')[:m]", "far = np.argsort((xs[cand] - c[own])**2, kind='stable')[:m]",
     "_relocate_empty: re-seeds an empty cluster on the nearest weight, not the farthest"),
    ('H1', 'huffman', "return float(-(p * np.log2(p)).sum())", "return float(-(p * np.log(p)).sum())",
     "entropy: natural logarithm instead of log2"),
    ('H2', 'huffman', "def dtype(self): return np.uint8 if self.n <= 256 else np.uint16", "def dtype(self): return np.uint8 if self.n < 256 else np.uint16",
     "HuffmanCode.dtype: a 256-symbol alphabet takes uint16"),
    ('H3', 'huffman', "w = np.full(n, k, np.uint8 if k < 256 else np.uint16)", "w = np.full(n, k, np.uint8 if k <= 256 else np.uint16)",
     "relative_index: the filler of a 256-entry codebook in a uint8 stream"),
    ('H4', 'huffman', "gs = np.full(n, top, np.uint8 if b <= 8 else np.uint16)", "gs = np.full(n, top, np.uint8 if b <= 9 else np.uint16)",
     "relative_index: 9-bit gaps in a uint8 stream"),
    ('H5', 'huffman', "f = np.append(g >> b, t >> b)", "f = np.append((g + 1) >> b, t >> b)",
     "relative_index: a filler already at gap 2^b - 1"),
    ('H6', 'huffman', "need(0 <= numel - covered < 1 << b,", "need(0 <= numel - covered <= 1 << b,",
     "from_relative: accepts 2^b trailing zeros, which need a filler"),
    ('H7', 'huffman', "if len(used) <= 1: L[used] = 1; return L", "if len(used) < 1: L[used] = 1; return L",
     "huffman_lengths: a lone symbol gets length 0"),
    ('H8', 'huffman', "return (stream_bits(code, counts) + 7)//8 + code.table_size", "return stream_bits(code, counts)//8 + code.table_size",
     "stream_size: bits to bytes rounded down"),
    ('H9', 'huffman', "if 1 << b > longest: break", "if 1 << b >= longest: break",
     "index_bits_cost: stops one width early when the longest gap is exactly 2^b"),
    ('H10', 'huffman', "need(kraft == 1 << m if len(sym) > 1 else m == 1,", "need(kraft <= 1 << m if len(sym) > 1 else m == 1,",
     "HuffmanCode.from_bytes: accepts an incomplete code table"),
    ('H11', 'huffman', "L = np.zeros(n, np.uint8); L[sym] = np.repeat(np.arange(1, m+1), cnt)",
     "L = np.zeros(n, np.uint8); L[sym] = np.repeat(np.arange(m), cnt)", "HuffmanCode.from_bytes: lengths off by one"),
    ('F1', 'format', "fixed = math.ceil(math.log2(k + (fill > 0)))", "fixed = math.ceil(math.log2(k))",
     "_row: the fixed-width index forgets the filler symbol"),
    ('F2', 'format', "shape, numel, fb = e['shape'], math.prod(e['shape']), sum(e['len'])",
     "shape, numel, fb = e['shape'], math.prod(e['shape']), sum(e['len'][1:])", "_row: a record's bytes without its codebook"),
    ('F3', 'format', "dense = 4*numel if DTYPES[e['dtype']].is_floating_point else fb", "dense = 4*numel",
     "_row: an int64 tensor counted as 4 bytes per element dense"),
    ('F4', 'format', "pruned_B=math.ceil(n*(32+b)/8)", "pruned_B=math.ceil(nnz*(32+b)/8)",
     "_row: the pruned bytes from the nonzeros, not the entries (fillers forgotten)"),
    ('F5', 'format', "k, b, n = _int(e['k'], 1, 32768, f\"{nm} k\")", "k, b, n = _int(e['k'], 1, 32767, f\"{nm} k\")",
     "_check_q: rejects the largest codebook (32768 entries)"),
    ('F6', 'format', "if len(cb) > 256 and idx.dtype == torch.uint8:", "if len(cb) >= 256 and idx.dtype == torch.uint8:",
     "check_quantized: refuses a 256-entry codebook with a uint8 index"),
    ('F7', 'format', "return dict(kwargs, file_bytes=file_bytes, dense_bytes=dense, rate=dense/file_bytes,",
     "return dict(kwargs, file_bytes=file_bytes, dense_bytes=dense, rate=dense/sum(r['file_B'] for r in rows),",
     "accounting: the rate from the records' bytes, not the file's size"),
    ('F8', 'format', "if gap_bits == 'paper': return 8 if w.ndim == 4 else 5", "if gap_bits == 'paper': return 5 if w.ndim == 4 else 8",
     "_b_for: the paper's gap bits of conv and fc swapped"),
    ('E1', 'experiment', "    reseed(self.dls, self.c.seed)\n", "    pass\n",
     "fresh_start: a stage forgets to reseed"),
    ('E2', 'experiment', "    exp.fresh_start()\n    if p.schedule == 'gradual':", "    if p.schedule == 'gradual':",
     "_prune: the prune stage starts without fresh_start"),
    ('E3', 'experiment', "load_state(self.learn.model, torch.load(sd_p, weights_only=True)); adjust_dropout(self.learn.model)",
     "load_state(self.learn.model, torch.load(sd_p, weights_only=True))", "stage: a loaded stage keeps the dense dropout rates"),
    ('E4', 'experiment', "for s in STAGES[:STAGE_NAMES.index(until or 'verify') + 1]:", "for s in STAGES[:STAGE_NAMES.index(until or 'verify')]:",
     "run: stops one stage before `until`"),
    ('E5', 'experiment', "if not same or ev['top1_error'] != q['top1_error']:", "if not same and ev['top1_error'] != q['top1_error']:",
     "_verify: passes a file whose weights differ when the error agrees"),
    ('E6', 'experiment', "start, learn.earlier_s = done['epoch'] + 1, done.get('wall_s', 0)", "start, learn.earlier_s = done['epoch'], done.get('wall_s', 0)",
     "fit_resumable: repeats the last saved epoch"),
    ('E7', 'experiment', "    self.fresh_start()\n    with self.learn.no_bar()", "    with self.learn.no_bar()",
     "Experiment.fit: trains without fresh_start"),
    ('E8', 'experiment', "    for dl, s in zip(dls.loaders, st['loaders']): dl.rng.setstate(s)", "    pass",
     "set_rng_state: the loaders' shuffling state is not restored on resume"),
    ('P9', 'prune', "or t == self.end)", ")",
     "GradualPruneCallback: the ramp's last step is no update, so the final sparsity is not reached"),
    ('F9', 'format', "        sd[k] = t.half()", "        sd[k] = t", "halved: the checked entries are not stored as float16"),
    ('M1', 'models', "    for dl in dls.loaders: getattr(dl, 'n_inp', None)", "    pass",
     "reseed: fastai's one-time pass through the batch transforms falls after the seed (the issue-18 resume bug)"),
]

def mutate_text(s:str, old:str, new:str, what:str)->str:
    n = s.count(old)
    if n != 1: raise ValueError(f"{what}: the mutant's text occurs {n} times (must be once): {old!r}")
    return s.replace(old, new)

def mutate_notebook(p:Path, old:str, new:str)->bool:
    "Apply the mutant to the export cell that holds `old`; False when no cell holds it exactly once."
    nb = json.loads(p.read_text())
    hits = [c for c in nb['cells'] if c['cell_type'] == 'code' and ''.join(c['source']).count(old) == 1]
    if len(hits) != 1: return False
    c = hits[0]; c['source'] = ''.join(c['source']).replace(old, new).splitlines(keepends=True)
    p.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    return True

def copy_tree(dst:Path):
    for d in ('deep_compression', 'nbs', 'tests', 'results'): shutil.copytree(ROOT/d, dst/d, ignore=shutil.ignore_patterns('__pycache__', '_proc', '.ipynb_checkpoints'))
    for f in ('pyproject.toml', 'settings.ini'):
        if (ROOT/f).exists(): shutil.copy(ROOT/f, dst/f)

def run_nb(root:Path, nb:str, timeout:int, env:dict)->tuple:
    "Run one notebook with `nbdev-test`; return (passed, seconds, tail of its output)."
    t0 = time.perf_counter()
    try:
        p = subprocess.run(['nbdev-test', f'nbs/{nb}.ipynb'], cwd=root, env=env, capture_output=True, text=True, timeout=timeout)
        ok, out = p.returncode == 0, p.stdout + p.stderr
    except subprocess.TimeoutExpired: ok, out = False, f'timeout after {timeout} s'
    return ok, time.perf_counter() - t0, out

def module_line(mod:str, old:str)->int:
    s = (ROOT/'deep_compression'/f'{mod}.py').read_text()
    return s[:s.index(old)].count('\n') + 1 + (old[0] == '\n')

def run_mutant(m, timeout:int, keep:bool=False)->dict:
    mid, mod, old, new, desc = m
    d = Path(tempfile.mkdtemp(prefix=f'mutant-{mid}-'))
    try:
        copy_tree(d)
        f = d/'deep_compression'/f'{mod}.py'
        f.write_text(mutate_text(f.read_text(), old, new, mid))
        owner = next(  # the autogenerated header names the notebook
            l.split('../nbs/')[1].split('.ipynb')[0] for l in f.read_text().splitlines() if '../nbs/' in l)
        if not mutate_notebook(d/'nbs'/f'{owner}.ipynb', old, new): print(f"  ({mid}: notebook {owner} not mutated: its cell differs)")
        env = dict(os.environ, PYTHONPATH=str(d), DEEP_COMPRESSION_CACHE=str(d/'cache'))
        res = dict(id=mid, where=f"{mod}.py:{module_line(mod, old)}", desc=desc, status='survived', by='', secs=0.)
        for nb in NBS[mod]:
            ok, s, out = run_nb(d, nb, timeout, env); res['secs'] += s
            if not ok:
                res.update(status='killed', by=nb + (' (timeout)' if out.startswith('timeout') else ''), why=_why(out)); break
        return res
    finally:
        if not keep: shutil.rmtree(d, ignore_errors=True)

def _why(out:str)->str:
    "The failing cell and the last error line of a failed notebook run."
    cell = re.search(r'While Executing Cell #(\d+)', out)
    lines = [l for l in out.splitlines() if l.strip() and not l.startswith(('=', '\t', ' '))]
    errs = [l for l in lines if 'Error' in l or 'assert' in l.lower()]
    return (f'cell #{cell.group(1)}: ' if cell else '') + (errs or lines or [''])[-1][:160]

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--only', help="comma-separated mutant ids or id prefixes (e.g. 'P1,H' = P1 and every huffman mutant)")
    ap.add_argument('--timeout', type=int, default=1200, help="seconds per notebook run (a timeout counts as killed)")
    ap.add_argument('--list', action='store_true', help="list the mutants and check that each applies; run nothing")
    ap.add_argument('--keep', action='store_true', help="keep the temporary copies")
    ap.add_argument('--out', help="write the results as JSON to this file")
    a = ap.parse_args()
    sel = MUTANTS
    if a.only:
        keys = a.only.split(',')
        sel = [m for k in keys for m in MUTANTS if m[0] == k or (k.isalpha() and m[0].rstrip('0123456789') == k)]  # in the order asked
    for mid, mod, old, new, _ in sel: mutate_text((ROOT/'deep_compression'/f'{mod}.py').read_text(), old, new, mid)
    if a.list:
        for mid, mod, old, _, desc in sel: print(f"{mid:4s} {mod}.py:{module_line(mod, old):<4d} {desc}  [{', '.join(NBS[mod])}]")
        return
    rows = []
    for m in sel:
        r = run_mutant(m, a.timeout, a.keep); rows.append(r)
        print(f"{r['id']:4s} {r['where']:18s} {r['status']:8s} {r['by'] or '-':22s} {r['secs']:6.0f} s  {r['desc']}", flush=True)
        if r.get('why'): print(f"     {r['why']}", flush=True)
        if a.out: Path(a.out).write_text(json.dumps(rows, indent=1))
    k = sum(r['status'] == 'killed' for r in rows)
    print(f"\nkilled {k} of {len(rows)} mutants: score {k/max(len(rows), 1):.0%}")
    if survivors := [r['id'] for r in rows if r['status'] != 'killed']: print("survived:", ', '.join(survivors))

if __name__ == '__main__': main()
