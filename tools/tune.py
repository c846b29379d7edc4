"""Choose an experiment's pruning and quantization settings on a held-out 10% of its training split, never on the test set.

    python tools/tune.py CONFIG NAME                                  # the config's own prune section
    python tools/tune.py CONFIG NAME '{"schedule": "gradual", ...}'   # a candidate `prune` section (merged into the config's)
    python tools/tune.py CONFIG NAME PRUNE '{"fc_bits": 4}'           # ... and a candidate `quantize` section (runs it too,
                                                                      #     and writes the file: its rate is in the record)
    python tools/tune.py CONFIG NAME PRUNE --bits 0.1                 # ... or: the per-layer bits sweep of the pruned model,
                                                                      #     and the cheapest bits within 0.1 points in total
    python tools/tune.py CONFIG NAME --sensitivity 9                  # the reference alone, then Han's per-layer pruning
                                                                      #     sensitivity and the per-layer sparsities that reach 9x
    python tools/tune.py CONFIG NAME --sensitivity 9 --levels 0.5,0.9 # ... sweeping fewer sparsities (a slow network)
    python tools/tune.py CONFIG NAME --overrides '{"subset": 0.3}'    # any of the above at another scale of the config

Every variant of a config starts from the same held-out reference (the config's `train` settings, trained once by the
first variant and copied: the reference stage depends on nothing else), and a variant whose prune section equals an
earlier one's reuses its pruning stage the same way. Each writes results/tuning/CONFIG-NAME.json: its stage records,
the bits sweep (with --bits), scale and commit.
"""
import json, time, shutil, hashlib
from pathlib import Path
from dataclasses import asdict
from fastcore.script import call_parse
from deep_compression.config import load_config
from deep_compression.core import atomic_write
from deep_compression.data import get_dls
from deep_compression.models import get_model
from deep_compression.records import git_commit, scale_text
from deep_compression.experiment import Experiment, cache_dir
from deep_compression.sensitivity import val_tensors, bits_sensitivity, prune_sensitivity, SPARSITIES

def _copy(src:Path, dst:Path, stage:str):
    for f in (f'{stage}.pth', f'{stage}.json'):
        if (src/f).exists() and not (dst/f).exists(): shutil.copy(src/f, dst/f)

def _bits(exp:Experiment, total:float)->dict:
    "The per-layer bits sweep of the pruned model on the held-out images, and its cheapest plan within `total` points."
    xs, ys = val_tensors(exp.dls.valid)
    sb = bits_sensitivity(exp.learn.model, xs, ys, bits=(2, 3, 4, 5, 6, 7, 8))
    return dict(total=total, baseline=sb.baseline, plan=sb.plan(total=total), curves=sb.df.to_dict('records'))

def _sensitivity(exp:Experiment, rate:float, levels=SPARSITIES)->dict:
    "Prune each layer of the held-out reference alone at each sparsity (03), and the per-layer plan of the smallest budget reaching `rate`."
    xs, ys = val_tensors(exp.dls.valid)
    s = prune_sensitivity(exp.learn.model, xs, ys, levels=levels, bs=256)
    plan = s.plan_for_rate(rate)
    return dict(rate=rate, baseline=s.baseline, plan=plan, plan_rate=s.rate(plan), wall_s=round(s.wall_s, 1),
                curves=s.df.to_dict('records'))

@call_parse(pos=['prune', 'quantize'])
def main(
    config:str,        # a packaged config's name
    name:str,          # the variant's name
    prune:str='{}',    # JSON: keys of the config's `prune` section to change
    quantize:str=None, # JSON: keys of its `quantize` section to change; the variant then runs the quantize stage
    bits:float=None,   # run the per-layer bits sweep, planning within this many points of total error
    sensitivity:float=None, # run the reference alone, then the per-layer pruning sensitivity, planning for this rate
    overrides:str=None, # JSON: config overrides (e.g. a smaller subset); such variants share their own reference
    levels:str=None,    # with --sensitivity: the sparsities to sweep, comma-separated (default: 03's `SPARSITIES`)
):
    "Run one held-out tuning variant of `config` and write its record to results/tuning/."
    cfg = load_config(config, overrides=json.loads(overrides) if overrides else None); c = asdict(cfg)
    c['prune'].update(json.loads(prune))
    if quantize: c['quantize'].update(json.loads(quantize))
    dls = get_dls(cfg.dataset, **cfg.dls_kwargs(), holdout=0.1,
                  valid_subset=None if cfg.subset is None else 1.0)  # a subset trains on less, validates on all the held-out images
    root = cache_dir()/'runs'/(f'{config}-holdout' + (f"-{hashlib.sha1(overrides.encode()).hexdigest()[:8]}" if overrides else ''))
    work, ref = root/name, root/'reference'
    pkey = hashlib.sha1(json.dumps(c['prune'], sort_keys=True).encode()).hexdigest()[:10]
    pdir = root/f'prune-{pkey}'  # the pruning stage of this prune section, shared by its variants
    work.mkdir(parents=True, exist_ok=True)
    _copy(ref, work, 'reference'); _copy(pdir, work, 'prune')
    exp = Experiment.from_model(get_model(c['model'], c['dataset'], size=c['size'], seed=c['seed'], **c['model_kwargs']), dls, experiment=f'{config}-holdout',
                                work=work, show_progress=False, seed=c['seed'], train=c['train'], prune=c['prune'],
                                quantize=c['quantize'], opt=c['opt'], precision=c['precision'])
    exp.run(until='encode' if quantize else 'reference' if sensitivity else 'prune')  # encode: the file's bytes, the rate to tune for
    for d, stage in ((ref, 'reference'), (pdir, 'prune')):
        d.mkdir(parents=True, exist_ok=True); _copy(work, d, stage)
    sweep = _bits(exp, bits) if bits is not None and not quantize else None
    sens = _sensitivity(exp, sensitivity, *([tuple(map(float, levels.split(',')))] if levels else [])) if sensitivity else None
    sc = dict(exp.scale(), name='tuning', subset=c['subset'], image_size=c['size'] or exp.scale()['image_size'],
              data=getattr(dls, 'source', None) + ('; all held-out images validate' if c['subset'] is not None else ''))
    if sens: sc.update(prune_rounds=0, prune_epochs_per_round=0, finetune_epochs=0)  # the reference alone ran
    out = Path(f'results/tuning/{config}-{name}.json')
    out.parent.mkdir(parents=True, exist_ok=True)
    args = [name, *(f"'{a}'" for a in (prune,) if a != '{}'), *(f"'{a}'" for a in (quantize,) if a)]
    cmd = ' '.join(['python tools/tune.py', config, *args, *([f'--bits {bits}'] if bits is not None else []),
                    *([f'--sensitivity {sensitivity}'] if sensitivity else []), *([f'--levels {levels}'] if levels else []), *([f"--overrides '{overrides}'"] if overrides else [])])
    atomic_write(out, json.dumps(dict(command=cmd, commit=git_commit('results'), scale=sc, scale_detail=scale_text(sc), prune=c['prune'],
                                      quantize=c['quantize'], stages=exp.stages, bits_sweep=sweep, sensitivity=sens, date=time.strftime('%Y-%m-%d')), indent=1))
    if sens: return print(f"{config} {name}: held-out reference error {exp.stages['reference']['top1_error']:.2f}%; "
                          f"sparsities reaching {sensitivity}x: {sens['plan']}; written to {out}")
    p = exp.stages['prune']
    print(f"{config} {name}: held-out top-1 error: reference {exp.stages['reference']['top1_error']:.2f}%, pruned {p['top1_error']:.2f}% "
          f"at {p['rate']:.1f}×" + (f", quantized {exp.stages['quantize']['top1_error']:.2f}%, file {exp.stages['encode']['accounting']['rate']:.1f}× smaller than dense fp32" if quantize else '')
          + (f"; bits within {bits} points: {sweep['plan']}" if sweep else '') + f"; written to {out}")
