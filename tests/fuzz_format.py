"""Fuzz the compressed-file reader the way an attacker would: every mutated file gets both checksums recomputed.

    python tests/fuzz_format.py [--n 20000] [--seed 0] [--out summary.json]

Builds a few real files (LeNet-300-100 and LeNet-5 with an `arch`, a small LeNet with 0- and 15-bit gaps and an int16
index, a model with every raw dtype, random models), then mutates them: header fields rewritten to hostile values,
Huffman tables and streams replaced, decompression bombs, record counts and lengths changed, `arch` rewritten,
blob bits flipped -- each with the record CRCs and the file CRC recomputed, so that the parser's own checks must
catch what is wrong -- plus plain truncations, bit flips and garbage. Every case runs through `loads` and
`load_model`; each call must end in a valid load or a `FormatError`, within `MAX_S` seconds of CPU time and
`MAX_MB` MB of peak memory above its baseline (numpy/Python allocations by `tracemalloc`, all resident memory by
the kernel's high-water mark). The notebook `05b_format` runs a bounded version; `fuzz` returns the summary table.
"""
import json, random, signal, struct, sys, tempfile, threading, time, tracemalloc, zlib
from collections import Counter, defaultdict
from pathlib import Path
import numpy as np, pandas as pd, torch
from torch import nn
from deep_compression.format import dumps, loads, load_model, parse, FormatError, PRE, MAGIC, VERSION
from deep_compression.huffman import HuffmanCode
from deep_compression.models import get_model

MAX_S, MAX_MB = 1.0, 200

# ---- the files to mutate

def quantize_like(m:nn.Module, density, bits, seed=0)->nn.Module:
    "Give every Linear/Conv2d of `m` a random pruned, quantized weight that follows the weight-sharing contract."
    rng = np.random.default_rng(seed)
    layers = [l for l in m.modules() if isinstance(l, (nn.Linear, nn.Conv2d))]
    for l, d, b in zip(layers, density, bits):
        k = 2**b; shape = tuple(l.weight.shape)
        cb = torch.from_numpy(np.sort(rng.normal(0, .1, k)).astype(np.float32))
        mask = torch.from_numpy(rng.random(shape) < d)
        idx = torch.from_numpy(rng.choice(k, shape, p=rng.dirichlet(np.full(k, .5)))).to(torch.uint8 if k <= 256 else torch.int16)
        idx[~mask] = 0
        l.weight.data = torch.where(mask, cb[idx.long()], 0.)
        for s, t in (('_mask', mask), ('_codebook', cb), ('_index', idx)): l.register_buffer('weight' + s, t)
    return m

def random_model(rng)->dict:
    "A state dict of 1-3 small random quantized layers (any codebook size up to 1024, any density)."
    sd = {}
    for i in range(int(rng.integers(1, 4))):
        shape = tuple(int(d) for d in rng.integers(1, 13, rng.integers(1, 5)))  # up to 20,736 weights: bases stay small
        k = int(rng.integers(1, 2**int(rng.integers(1, 11)) + 1))
        cb = torch.from_numpy(rng.normal(0, .1, k).astype(np.float32))
        mask = torch.from_numpy(rng.random(shape) < rng.choice([0., .01, .1, .5, 1., rng.random()]))
        idx = torch.from_numpy(rng.choice(k, shape)).to(torch.uint8 if k <= 256 else torch.int16); idx[~mask] = 0
        sd.update({f'{i}.weight': torch.where(mask, cb[idx.long()], 0.), f'{i}.bias': torch.randn(shape[0]),
                   f'{i}.weight_codebook': cb, f'{i}.weight_index': idx, f'{i}.weight_mask': mask})
    return sd

def raw_model()->dict:
    "One raw entry of every dtype, a scalar and an empty tensor."
    g = torch.Generator().manual_seed(0)
    return {'f32': torch.randn(3, 4, generator=g), 'f64': torch.randn(5, generator=g).double(), 'f16': torch.randn(2, 2, generator=g).half(),
            'bf16': torch.randn(7, generator=g).bfloat16(), 'i64': torch.tensor(3), 'i32': torch.arange(6, dtype=torch.int32).reshape(2, 3),
            'i16': torch.arange(-4, 4, dtype=torch.int16), 'i8': torch.arange(-3, 3, dtype=torch.int8), 'u8': torch.arange(250, 256, dtype=torch.uint8),
            'mask': torch.rand(4, 4, generator=g) > .5, 'empty': torch.zeros(0, 3)}

def base_files(seed:int=0)->dict:
    "The valid files every mutation starts from, by name: (bytes, header, blobs per record)."
    torch.manual_seed(seed)
    l300 = quantize_like(get_model('lenet300', 'mnist'), [.08, .09, .26], [6]*3, seed)
    l5 = quantize_like(get_model('lenet5', 'mnist'), [.66, .12, .08, .19], [8, 8, 5, 5], seed)
    small = quantize_like(get_model('lenet300', 'mnist', 8), [.1, .5, 1.], [9, 4, 2], seed)
    rng = np.random.default_rng(seed)
    files = {'lenet300': dumps(l300, dict(model='lenet300', dataset='mnist'))[0],
             'lenet5': dumps(l5, dict(model='lenet5', dataset='mnist', size=28), gap_bits='paper')[0],
             'small': dumps(small, dict(model='lenet300', dataset='mnist', size=8), gap_bits={'1': 0, '3': 15})[0],
             'raw': dumps(raw_model(), meta={'note': 'every raw dtype'})[0],
             **{f'random{i}': dumps(random_model(rng), gap_bits=int(rng.integers(0, 16)))[0] for i in range(3)}}
    return {k: (d, *split(d)) for k, d in files.items()}

def split(data:bytes)->tuple:
    "A valid file's header and its blobs, record by record."
    h, items = parse(data)
    return h, [[bytes(b) for b in bl] for _, bl in items]

# ---- writing a mutated file with correct checksums

def crc(bl)->int: return zlib.crc32(b''.join(bl))

def sync(h:dict, blobs:list):
    "Set each record's blob lengths and CRC from its blobs."
    for e, bl in zip(h['entries'], blobs): e['len'], e['crc'] = [len(b) for b in bl], crc(bl)

def frame(h, body:bytes, hlen=None, jlen=None, hj=None, hz=None, ver=VERSION, magic=MAGIC)->bytes:
    "A file of header `h` (or JSON text `hj`, or deflated bytes `hz`) and `body`, with its file CRC recomputed."
    hj = hj if hj is not None else json.dumps(h, separators=(',', ':')).encode()
    hz = hz if hz is not None else zlib.compress(hj, 9)
    out = PRE.pack(magic, ver, len(hz) if hlen is None else hlen, len(hj) if jlen is None else jlen) + hz + body
    return out + struct.pack('<I', zlib.crc32(out))

def body(blobs)->bytes: return b''.join(b for bl in blobs for b in bl)

def write(h, blobs)->bytes:
    "The file for header `h` and `blobs`, the record CRCs and lengths fixed first."
    sync(h, blobs); return frame(h, body(blobs))

# ---- hostile values

HOSTILE = [0, 1, -1, 2, 7, 8, 15, 16, 255, 256, 257, 32767, 32768, 32769, 65535, 65536, 2**31 - 1, 2**31, 2**32, 2**32 + 5,
           2**53, 2**62, 2**63, 2**64, 10**30, -2**63, 0.5, 1.0, 1e308, float('nan'), float('inf'), True, False, None, '', 'x',
           'float32', 'bool', 'bfloat16', 'int16', 'uint8', 'q', 'raw', 'lenet300', 'x'*5000, '\x00', '\ud800', [], [0], [1, 2],
           [2**40, 0], [0, 2**62], [0, 2**40, 2**40], [2**31]*3, [1]*9, [0]*8, [-1], [1.5], [True], ['3'], [[1]], list(range(100)),
           {}, {'a': 1}, {'model': 'lenet300'}, [[[[[[[[]]]]]]]]]

def paths(o, p=()):
    "Paths to every value inside a JSON value."
    out = [p] if p else []
    if isinstance(o, dict): out += [q for k, v in o.items() for q in paths(v, p + (k,))]
    if isinstance(o, list): out += [q for i, v in enumerate(o) for q in paths(v, p + (i,))]
    return out

def at(o, p):
    for k in p: o = o[k]
    return o

def mut_field(h, blobs, r):
    "One header value anywhere set to a hostile value, deleted, or given an unknown sibling."
    sync(h, blobs); p = r.choice(paths(h)); parent, key = at(h, p[:-1]), p[-1]
    op = r.random()
    if op < .8: parent[key] = r.choice(HOSTILE)
    elif isinstance(parent, dict): del parent[key]
    elif op < .9: parent.pop(key)
    else: parent.append(r.choice(HOSTILE))
    if r.random() < .1 and isinstance(parent, dict): parent['extra'] = r.choice(HOSTILE)
    return frame(h, body(blobs))

def q_records(h)->list: return [j for j, e in enumerate(h['entries']) if e['kind'] == 'q']

def table(sym:int, width:int)->bytes:
    "A single-symbol code table (max length 1, one code) for an alphabet of symbol width `width` bytes."
    return bytes([1]) + struct.pack('<H', 1) + sym.to_bytes(width, 'little')

def mut_bomb_gap(h, blobs, r):
    "A quantized record whose single-symbol codes make every coded bit stand for up to 2**b weights."
    qs = q_records(h)
    if not qs: return mut_bomb_empty(h, blobs, r)
    j = r.choice(qs); e = h['entries'][j]; k = e['k']
    b, n = r.choice([4, 8, 12, 15, 15]), r.choice([1, 8, 100, 1000, 8000, 30000])
    e.update(b=b, n=n, bits=[n, n])
    top = (1 << b) - 1
    numel = max(n, ((n + 1) << b) - 1 - (r.randrange(1 << b) if r.random() < .3 else 0))
    e['shape'] = r.choice([[numel], [1, numel], [numel, 1]])
    wsym, gsym = (k if r.random() < .7 else r.randrange(k)), (top if r.random() < .7 else r.randrange(1 << b))
    blobs[j] = [blobs[j][0], table(wsym, 1 if k < 256 else 2), bytes((n + 7)//8), table(gsym, 1 if b <= 8 else 2), bytes((n + 7)//8)]
    return write(h, blobs)

def mut_bomb_empty(h, blobs, r):
    "Many records with no streams (or no bytes) at all."
    many, kind = r.choice([10, 100, 1000, 5000, 20000]), r.random()
    for i in range(many):
        if kind < .5:
            h['entries'].append(dict(name=f'e{i}', shape=[r.choice([0, 1, 32767])], dtype='float32', kind='q', k=1, b=15, n=0,
                                     bits=[0, 0], it='uint8', len=[], crc=0))
            blobs.append([bytes(4), b'', b'', b'', b''])
        else:
            h['entries'].append(dict(name=f'e{i}', shape=r.choice([[0], [0, 2**20], [0]*8, [0, 2**31, 2**31]]), dtype='float32',
                                     kind='raw', len=[], crc=0))
            blobs.append([b''])
    return write(h, blobs)

def rand_table(r, n:int)->bytes:
    "A code table: random bytes, a real table for a random histogram, one symbol, or a 64-bit deep code."
    op = r.random()
    if op < .3: return bytes(r.randrange(256) for _ in range(r.randrange(40)))
    if op < .6:
        c = np.zeros(n, np.int64); used = r.sample(range(n), min(n, r.randint(1, 12))); c[used] = [r.randint(1, 1000) for _ in used]
        return HuffmanCode.from_counts(c).to_bytes()
    w = 1 if n <= 256 else 2
    if op < .8: return table(r.randrange(n + 2), w)
    m = r.choice([63, 64, 65]); cnt = [1]*(m - 1) + [2]  # lengths 1..m-1 once, m twice: Kraft's equality holds
    syms = r.sample(range(n), min(n, m + 1)) if r.random() < .5 else list(range(min(n, m + 1)))
    return bytes([m % 256]) + struct.pack(f'<{m}H', *cnt) + b''.join(s.to_bytes(w, 'little') for s in syms)

def mut_table(h, blobs, r):
    "A Huffman table replaced."
    qs = q_records(h)
    if not qs: return mut_field(h, blobs, r)
    j = r.choice(qs); e = h['entries'][j]; g = r.random() < .5
    blobs[j][3 if g else 1] = rand_table(r, (1 << e['b']) if g else e['k'] + 1)
    return write(h, blobs)

def mut_stream(h, blobs, r):
    "A Huffman stream replaced by random bits, its bit count kept consistent with its length (or not)."
    qs = q_records(h)
    if not qs: return mut_field(h, blobs, r)
    j = r.choice(qs); e = h['entries'][j]; g = r.random() < .5
    old = blobs[j][4 if g else 2]
    nb = r.choice([len(old), r.randrange(64), max(0, len(old) + r.randint(-3, 3))])
    new = bytes(r.randrange(256) for _ in range(nb)) if r.random() < .5 else bytes(min(nb, len(old))) if r.random() < .5 else old[:nb]
    blobs[j][4 if g else 2] = new
    bits = 8*len(new) - r.randrange(8) if new else 0
    e['bits'][1 if g else 0] = max(0, bits)
    if r.random() < .3: e['n'] = r.choice([0, 1, e['n'] + 1, e['n'] - 1, bits, max(0, bits - 1)])
    return write(h, blobs)

def mut_counts(h, blobs, r):
    "k, b, n, the bit counts or the shape of a quantized record nudged, the codebook resized to match k (or not)."
    qs = q_records(h)
    if not qs: return mut_field(h, blobs, r)
    j = r.choice(qs); e = h['entries'][j]
    f = r.choice(['k', 'b', 'n', 'bits', 'shape', 'it'])
    if f == 'k':
        e['k'] = r.choice([1, 2, 255, 256, 257, 32768, max(1, e['k'] + r.randint(-2, 2))])
        if r.random() < .7: blobs[j][0] = np.random.default_rng(r.randrange(9)).normal(size=e['k']).astype('<f4').tobytes()
        if e['k'] > 256 and r.random() < .7: e['it'] = 'int16'
    elif f == 'b': e['b'] = r.choice([0, 1, 8, 9, 15, max(0, e['b'] + r.randint(-2, 2))])
    elif f == 'n': e['n'] = max(0, e['n'] + r.choice([-1, 1, -100, 100, 10**6]))
    elif f == 'bits': i = r.randrange(2); e['bits'][i] = max(0, e['bits'][i] + r.randint(-9, 9))
    elif f == 'shape':
        s = e['shape']; i = r.randrange(len(s)) if s else 0
        e['shape'] = s[:i] + [max(0, s[i] + r.choice([-1, 1, 2**10, 2**15]))] + s[i+1:] if s else [1]
    else: e['it'] = 'uint8' if e['it'] == 'int16' else 'int16'
    return write(h, blobs)

def mut_records(h, blobs, r):
    "A record dropped, duplicated, moved, renamed onto another's name, or all of them removed."
    es, op = h['entries'], r.randrange(5)
    if not es: return mut_bomb_empty(h, blobs, r)
    j = r.randrange(len(es))
    if op == 0: del es[j]; del blobs[j]
    elif op == 1: es.insert(j, json.loads(json.dumps(es[j]))); blobs.insert(j, list(blobs[j]))
    elif op == 2: i = r.randrange(len(es)); es[i], es[j] = es[j], es[i]; blobs[i], blobs[j] = blobs[j], blobs[i]
    elif op == 3:
        other = r.choice(es)['name']
        es[j]['name'] = r.choice([other, other + '_mask', other + '_index', other + '_codebook', other.rpartition('.')[0] + '.forward',
                                  'x.y.z', '.', '', other + '.'])
    else: es.clear(); blobs.clear()
    return write(h, blobs)

def mut_lens(h, blobs, r):
    "Blob boundaries moved: the body's bytes stay, the lengths and CRCs say they split elsewhere."
    flat = [b for bl in blobs for b in bl]; sizes = [len(bl) for bl in blobs]
    if len(flat) < 2: return mut_field(h, blobs, r)
    i = r.randrange(len(flat) - 1); d = r.randint(-min(len(flat[i]), 64), min(len(flat[i+1]), 64))
    joined = flat[i] + flat[i+1]; cut = len(flat[i]) + d
    flat[i], flat[i+1] = joined[:cut], joined[cut:]
    it = iter(flat); blobs[:] = [[next(it) for _ in range(s)] for s in sizes]
    return write(h, blobs)

ARCHS = [None, {}, [], 'lenet300', 7, {'model': 'lenet300'}, {'dataset': 'mnist'}]
def mut_arch(h, blobs, r):
    "`arch` rewritten: other models and datasets, sizes in and out of range, `seed`, unknown keys, wrong types."
    sync(h, blobs)
    a = dict(h['arch']) if isinstance(h.get('arch'), dict) and r.random() < .8 else {'model': 'lenet300', 'dataset': 'mnist'}
    for _ in range(r.randint(1, 2)):
        op = r.randrange(6)
        if op == 0: a['model'] = r.choice(['lenet300', 'lenet5', 'alexnet', 'vgg16', 'torchvision:resnet18', 'torchvision:nope', 'LeNet300',
                                           '', 'torchvision:', 7, None, ['lenet300']])
        elif op == 1: a['dataset'] = r.choice(['mnist', 'cifar100', 'imagenette', 'cifar10', '', None, 1])
        elif op == 2: a['size'] = r.choice([0, -1, 7, 8, 15, 16, 28, 32, 64, 65, 160, 512, 513, 4096, 10**9, 2**63, 28.0, True, '28', None])
        elif op == 3: a['seed'] = r.choice([0, 1, 2**31])
        elif op == 4: a[r.choice(['name', 'bn', 'p', 'c_in', 'n_out', '__class__', 'kwargs'])] = r.choice(HOSTILE)
        else: a.pop(r.choice(list(a) or ['model']), None)
    h['arch'] = a if r.random() < .95 else r.choice(ARCHS)
    return frame(h, body(blobs))

def mut_flip_fixed(h, blobs, r):
    "Bits flipped inside blobs, the CRCs fixed: the table and stream decoders see the damage."
    nonempty = [(j, i) for j, bl in enumerate(blobs) for i, b in enumerate(bl) if b]
    for _ in range(r.randint(1, 4)):
        j, i = r.choice(nonempty); b = bytearray(blobs[j][i]); p = r.randrange(8*len(b)); b[p//8] ^= 1 << (p % 8); blobs[j][i] = bytes(b)
    return write(h, blobs)

def mut_json(h, blobs, r):
    "The header's JSON text damaged, or made non-strict (repeated keys, NaN, deep nesting, huge numbers), then deflated."
    sync(h, blobs); hj = json.dumps(h, separators=(',', ':'))
    op = r.randrange(6)
    if op == 0:
        s = list(hj)
        for _ in range(r.randint(1, 5)): s[r.randrange(len(s))] = r.choice('{}[]",:0123456789-eE.ntfa\\ ')
        hj = ''.join(s).encode()
    elif op == 1: hj = hj.replace('"entries":', '"entries":[],"entries":', 1).encode()
    elif op == 2: hj = hj.replace('"crc":', '"crc":NaN,"c":', 1).encode()
    elif op == 3: hj = ('[' * r.choice([100, 10**4, 10**5]) + ']' * r.choice([0, 1])).encode()
    elif op == 4: hj = hj.replace('"crc":', '"crc":' + '9'*r.choice([20, 5000]) + ',"c":', 1).encode()
    else: hj = hj.encode()[:r.randrange(len(hj))] + bytes([r.choice([0x80, 0xff, 0xc0, 0xed])]) + hj.encode()[r.randrange(len(hj)):]
    return frame(None, body(blobs), hj=hj)

def mut_frame(h, blobs, r):
    "The fixed header or the deflate stream wrong, the file CRC right."
    sync(h, blobs); hj = json.dumps(h, separators=(',', ':')).encode(); hz = zlib.compress(hj, 9)
    op = r.randrange(7)
    if op == 0: return frame(h, body(blobs), hlen=r.choice([0, 1, len(hz) - 1, len(hz) + 1, 2**32 - 1]))
    if op == 1: return frame(h, body(blobs), jlen=r.choice([0, 1, len(hj) - 1, len(hj) + 1, 64*len(hz) + 4096, 2**32 - 1]))
    if op == 2: return frame(h, body(blobs), ver=r.choice([0, 2, 65535]))
    if op == 3: return frame(h, body(blobs), magic=bytes(r.randrange(256) for _ in range(8)))
    if op == 4: return frame(h, body(blobs), hj=hj, hz=hz + bytes(r.randint(1, 4)))
    if op == 5: z = bytearray(hz); z[r.randrange(len(z))] ^= 1 << r.randrange(8); return frame(h, body(blobs), hj=hj, hz=bytes(z))
    return frame(h, body(blobs), hj=hj, hz=zlib.compress(b'x' * (64*len(hz) + 4096), 9))

def mut_damage(h, blobs, r, data):
    "Plain damage, no checksum fixed: truncation, bit flips, overwritten or inserted bytes."
    b, op = bytearray(data), r.randrange(4)
    if op == 0: return bytes(b[:r.randrange(len(b))])
    if op == 1:
        for p in r.sample(range(8*len(b)), r.randint(1, 8)): b[p//8] ^= 1 << (p % 8)
    if op == 2: i = r.randrange(len(b)); b[i] = (b[i] + r.randint(1, 255)) % 256
    if op == 3: i = r.randrange(len(b)); b[i:i] = bytes(r.randrange(256) for _ in range(r.randint(1, 16)))
    return bytes(b)

def mut_garbage(h, blobs, r):
    "Random bytes, with or without a valid magic and version."
    g = bytes(r.randrange(256) for _ in range(r.randrange(2000)))
    return PRE.pack(MAGIC, VERSION, r.randrange(2000), r.randrange(2**16))[:r.choice([0, 8, 10, 18])] + g

MUTATIONS = dict(field=(mut_field, 6), arch=(mut_arch, 2), bomb_gap=(mut_bomb_gap, 1), bomb_empty=(mut_bomb_empty, .5),
                 table=(mut_table, 2), stream=(mut_stream, 2), counts=(mut_counts, 2), records=(mut_records, 1), lens=(mut_lens, 1),
                 flip_fixed=(mut_flip_fixed, 2), json=(mut_json, 1), frame=(mut_frame, 1), damage=(mut_damage, 2), garbage=(mut_garbage, .5))

def mutate(bases:dict, r:random.Random)->tuple:
    "A random mutation of a random base file: (mutation name, file bytes)."
    data, h, blobs = bases[r.choice(list(bases))]
    h, blobs = json.loads(json.dumps(h)), [list(bl) for bl in blobs]
    name = r.choices(list(MUTATIONS), [w for _, w in MUTATIONS.values()])[0]
    f = MUTATIONS[name][0]
    return name, (f(h, blobs, r, data) if f is mut_damage else f(h, blobs, r))

# ---- running one case within limits

def _status()->dict:
    return {l.split(':')[0]: int(l.split()[1])*1024 for l in open('/proc/self/status') if l.startswith(('VmRSS', 'VmHWM'))}

def _reset_hwm()->bool:
    try: open('/proc/self/clear_refs', 'w').write('5'); return True
    except OSError: return False

class Timeout(Exception): pass
def _alarm(*_): raise Timeout()

def outcome(f)->str:
    "'ok', 'FormatError', or any other exception's type and message (a hang is a `Timeout` after 30 s in the main thread)."
    main = threading.current_thread() is threading.main_thread()  # `nbdev-test` runs notebooks in other threads
    if main: signal.signal(signal.SIGALRM, _alarm); signal.alarm(30)
    try: f(); return 'ok'
    except FormatError: return 'FormatError'
    except Exception as e: return f'{type(e).__name__}: {str(e)[:200]}'  # noqa: BLE001 -- recording any other type is the point
    finally:
        if main: signal.alarm(0)

def measure(f, trace:bool=False)->tuple:
    "Run `f()`: (outcome, CPU s of this thread, wall s, peak bytes above the baseline); `trace`: again under `tracemalloc`."
    hwm = _reset_hwm(); rss0 = _status()['VmRSS']
    c0, t0 = time.thread_time(), time.perf_counter()
    out = outcome(f)
    cpu, wall = time.thread_time() - c0, time.perf_counter() - t0
    peak = _status()['VmHWM'] - rss0 if hwm else 0  # all resident memory, torch's included
    if trace or not hwm:  # every numpy/Python allocation, touched or not (tracemalloc slows the call: timed apart)
        tracemalloc.start(); outcome(f); peak = max(peak, tracemalloc.get_traced_memory()[1]); tracemalloc.stop()
    return out, cpu, wall, peak

def fuzz(n:int=2000, seed:int=0, trace:bool=False, verbose:bool=False)->tuple:
    "Run `n` mutated files through `loads` and `load_model`: (summary table, failures). `trace`: `tracemalloc` each call too."
    bases = base_files(seed)
    tmp = Path(tempfile.mkdtemp(prefix='dcz_fuzz_')); path = tmp/'case.dcz'
    for d, *_ in bases.values(): path.write_bytes(d); loads(d); measure(lambda: load_model(path))  # warm up
    rows, fails, slow = defaultdict(Counter), [], []
    t0 = time.perf_counter()
    for i in range(n):
        r = random.Random(seed * 1_000_003 + i)
        kind, data = mutate(bases, r)
        path.write_bytes(data)
        row = rows[kind]; row['cases'] += 1
        for call, f in (('loads', lambda: loads(data)), ('load_model', lambda: load_model(path))):
            out, cpu, wall, peak = measure(f, trace)
            row[f'{call} {out}' if out in ('ok', 'FormatError') else 'other'] += 1
            row['max_cpu_ms'] = max(row['max_cpu_ms'], round(1000*cpu)); row['max_wall_ms'] = max(row['max_wall_ms'], round(1000*wall))
            row['max_MB'] = max(row['max_MB'], round(peak/2**20, 1))
            slow.append((round(cpu, 3), i, kind, call, out[:80])); slow = sorted(slow, reverse=True)[:5]
            if out not in ('ok', 'FormatError') or cpu > MAX_S or peak > MAX_MB * 2**20:
                fails.append(dict(case=i, kind=kind, call=call, outcome=out, cpu_s=round(cpu, 3), MB=round(peak/2**20, 1)))
                if verbose: print(fails[-1], flush=True)
        if verbose and (i + 1) % 1000 == 0: print(f"{i + 1} cases, {time.perf_counter() - t0:.0f} s", flush=True)
    path.unlink(missing_ok=True); tmp.rmdir()
    cols = ['cases', 'loads ok', 'loads FormatError', 'load_model ok', 'load_model FormatError', 'other', 'max_cpu_ms', 'max_wall_ms', 'max_MB']
    df = pd.DataFrame.from_dict(rows, orient='index').reindex(columns=cols).fillna(0).sort_index()
    df.loc['total'] = [df[c].sum() if not c.startswith('max') else df[c].max() for c in cols]
    if verbose: print('slowest calls (CPU s, case, mutation, call, outcome):', *slow, sep='\n  ')
    return df.astype({c: int for c in cols if c != 'max_MB'}), fails

if __name__ == '__main__':
    import argparse
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--n', type=int, default=20000); p.add_argument('--seed', type=int, default=0)
    p.add_argument('--out', help='write the summary table and the failures here (JSON)')
    p.add_argument('--no-trace', action='store_true', help='measure memory by the resident high-water mark only')
    a = p.parse_args(); t0 = time.perf_counter()
    torch.set_num_threads(1)  # the CPU time measured is this thread's
    df, fails = fuzz(a.n, a.seed, trace=not a.no_trace, verbose=True)
    wall = time.perf_counter() - t0
    print(df.to_string()); print(f"{a.n} cases, seed {a.seed}, {wall:.0f} s; {len(fails)} failures")
    for f in fails[:50]: print(f)
    if a.out: Path(a.out).write_text(json.dumps(dict(n=a.n, seed=a.seed, trace=not a.no_trace, wall_s=round(wall), limits=dict(cpu_s=MAX_S, MB=MAX_MB),
                                                      table=json.loads(df.to_json(orient='split')), failures=fails), indent=1) + '\n')
    sys.exit(1 if fails else 0)
