"""On-demand fuzz of the compressed file format (the notebooks run a bounded version in CI).

    python tests/fuzz_format.py [N=2000] [SEED=0]

Round-trips N random quantized models, then damages each file (truncation, 1-8 bit flips, byte overwrites,
spliced bytes) and checks that every damaged file raises `FormatError` and nothing else.
"""
import random, sys, time
from collections import Counter
import numpy as np, torch
from deep_compression.format import dumps, loads, FormatError

def random_layer(rng):
    "A random quantized weight (weight, codebook, index, mask) that follows the contract."
    shape = tuple(int(d) for d in rng.integers(1, 40, rng.integers(1, 5)))
    k = int(rng.integers(1, 2**int(rng.integers(1, 11)) + 1))
    cb = torch.from_numpy(rng.normal(0, .1, k).astype(np.float32))
    mask = torch.from_numpy(rng.random(shape) < rng.choice([0., .01, .1, .5, 1., rng.random()]))
    idx = torch.from_numpy(rng.choice(k, shape, p=rng.dirichlet(np.full(k, rng.uniform(.05, 5)))))
    idx = idx.to(torch.uint8 if k <= 256 else torch.int16); idx[~mask] = 0
    return torch.where(mask, cb[idx.long()], 0.), cb, idx, mask

def random_model(rng)->dict:
    sd = {}
    for i in range(int(rng.integers(1, 4))):
        w, cb, idx, mask = random_layer(rng)
        sd.update({f'{i}.weight': w, f'{i}.bias': torch.randn(w.shape[0]), f'{i}.weight_codebook': cb,
                   f'{i}.weight_index': idx, f'{i}.weight_mask': mask})
    return sd

def damage(data:bytes, r:random.Random)->bytes:
    "One random corruption of `data`."
    b, kind = bytearray(data), r.randrange(4)
    if kind == 0: return bytes(b[:r.randrange(len(b))])
    if kind == 1:
        for i in r.sample(range(8*len(b)), r.randint(1, 8)): b[i//8] ^= 1 << (i % 8)
    if kind == 2:
        i = r.randrange(len(b)); b[i] = (b[i] + r.randint(1, 255)) % 256
    if kind == 3:
        i = r.randrange(len(b)); b[i:i] = bytes(r.randrange(256) for _ in range(r.randint(1, 16)))
    return bytes(b)

def main(n:int=2000, seed:int=0):
    rng, r, res, t0 = np.random.default_rng(seed), random.Random(seed), Counter(), time.perf_counter()
    for _ in range(n):
        sd = random_model(rng)
        data, _ = dumps(sd, b_idx=r.choice([None, 'paper', r.randrange(16)]))
        sd2, _, _ = loads(data)
        assert set(sd2) == set(sd) and all(torch.equal(sd2[k], v) and sd2[k].dtype == v.dtype for k,v in sd.items())
        for _ in range(10):
            try: loads(damage(data, r)); res['accepted'] += 1
            except FormatError: res['FormatError'] += 1
    print(f"{n} round trips exact; damaged files: {dict(res)}; {time.perf_counter() - t0:.1f} s")
    assert res['accepted'] == 0, "a damaged file was accepted"

if __name__ == '__main__': main(*map(int, sys.argv[1:]))
