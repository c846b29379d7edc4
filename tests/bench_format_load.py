"""Loading speed of compressed files: this checkout's reader against an older commit's, measured in the same run.

    python tests/bench_format_load.py OLD_COMMIT FILE.dcz [FILE.dcz ...]

Extracts `deep_compression/` of OLD_COMMIT (with `git archive`) as the package `dc_old`, then times `loads` and
`load_model` of each file with both readers, interleaved (old, new, old, new, ...) so that a busy machine slows
both alike, and prints the medians and their ratio. It also re-encodes each file with this checkout's writer
(`dumps` of the decoded state dict, `arch`, `meta` and each layer's gap bits) and checks that the bytes, and so the
SHA-256, are unchanged.
"""
import hashlib, importlib, statistics, subprocess, sys, tarfile, tempfile, time
from io import BytesIO
from pathlib import Path
import torch
from deep_compression import format as new

def old_package(commit:str):
    "The `deep_compression` package of `commit`, imported as `dc_old`."
    tmp = Path(tempfile.mkdtemp(prefix='dc_old_'))
    tar = subprocess.run(['git', 'archive', commit, 'deep_compression'], capture_output=True, check=True).stdout
    tarfile.open(fileobj=BytesIO(tar)).extractall(tmp, filter='data')
    (tmp/'deep_compression').rename(tmp/'dc_old'); sys.path.insert(0, str(tmp))
    return importlib.import_module('dc_old.format')

def bench(f, reps:int)->list:
    ts = []
    for _ in range(reps): t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
    return ts

def main(commit:str, *files, reps:int=200):
    torch.set_num_threads(1)
    old = old_package(commit)
    print(f"old reader: {commit}; new reader: this checkout; {reps} interleaved rounds, median ms")
    print(f"{'file':<40} {'call':<11} {'old':>8} {'new':>8} {'new/old':>8}")
    for p in map(Path, files):
        data = p.read_bytes()
        sd, h, _ = new.loads(data)
        b = {e['name']: e['b'] for e in h['entries'] if e['kind'] == 'q'}
        same = new.dumps(sd, h['arch'], b, h.get('meta'))[0] == data
        print(f"{p}: {len(data):,} bytes, sha256 {hashlib.sha256(data).hexdigest()[:16]}..., re-encoded identically: {same}")
        for call, fo, fn in [('loads', lambda: old.loads(data), lambda: new.loads(data)),
                             ('load_model', lambda: old.load_model(p), lambda: new.load_model(p))]:
            fo(); fn()  # warm up
            to, tn = [], []
            for _ in range(reps): to += bench(fo, 1); tn += bench(fn, 1)
            mo, mn = statistics.median(to), statistics.median(tn)
            print(f"{str(p)[-40:]:<40} {call:<11} {1000*mo:8.2f} {1000*mn:8.2f} {mn/mo:8.3f}")

if __name__ == '__main__': main(*sys.argv[1:])
