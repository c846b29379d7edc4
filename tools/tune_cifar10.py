"""Choose cifar10_lenet5's pruning schedule on a held-out 10% of the CIFAR-10 training split, never on the test set.

    python tools/tune_cifar10.py                      # 'deep': 4 rounds to deeper targets than needed, to see where the error rises
    python tools/tune_cifar10.py NAME '{"rounds": 4, "epochs": 3, "sparsity": {...}}'   # a candidate `prune` section
    python tools/tune_cifar10.py NAME PRUNE '{"fc_bits": 4}'  # ... and a candidate `quantize` section (runs quantization too)

Every variant starts from the same held-out reference (the config's `train` settings; trained once, by the first
variant, and copied: the reference stage depends on nothing else). A quantize variant of a pruning variant reuses
its pruning stage the same way: copy its work folder's prune.pth/prune.json first. Each writes results/tuning/cifar10_lenet5-NAME.json:
its stage records, scale and commit.
"""
import sys, json, time, shutil
from pathlib import Path
from dataclasses import asdict
from deep_compression.config import load_config
from deep_compression.core import atomic_write
from deep_compression.data import get_dls
from deep_compression.models import get_model
from deep_compression.records import git_commit, scale_text
from deep_compression.experiment import Experiment, cache_dir

name = sys.argv[1] if len(sys.argv) > 1 else 'deep'
c = asdict(load_config('cifar10_lenet5'))
c['prune'].update(json.loads(sys.argv[2]) if len(sys.argv) > 2 else dict(rounds=4, sparsity={'conv1': 0.4, 'conv2': 0.85, 'fc1': 0.97, 'fc2': 0.85}))
if len(sys.argv) > 3: c['quantize'].update(json.loads(sys.argv[3]))
dls = get_dls('cifar10', bs=c['bs'], seed=c['seed'], holdout=0.1)
root = cache_dir()/'runs'/'cifar10_lenet5-holdout'
work, ref = root/name, root/'reference'
work.mkdir(parents=True, exist_ok=True)
for f in ('reference.pth', 'reference.json'):
    if (ref/f).exists() and not (work/f).exists(): shutil.copy(ref/f, work/f)
exp = Experiment.from_model(get_model('lenet5', 'cifar10', seed=c['seed']), dls, experiment='cifar10_lenet5-holdout', work=work,
                            show_progress=False, seed=c['seed'], train=c['train'], prune=c['prune'], quantize=c['quantize'])
exp.run(until='quantize' if len(sys.argv) > 3 else 'prune')  # the choices: how to prune, and (with a quantize section) the bits
if not (ref/'reference.pth').exists():
    ref.mkdir(parents=True, exist_ok=True)
    for f in ('reference.pth', 'reference.json'): shutil.copy(work/f, ref/f)
sc = dict(exp.scale(), name='tuning', data=dls.source)
out = Path(f'results/tuning/cifar10_lenet5-{name}.json')
out.parent.mkdir(parents=True, exist_ok=True)
atomic_write(out, json.dumps(dict(command=' '.join(['python tools/tune_cifar10.py', *sys.argv[1:2], *(f"'{a}'" for a in sys.argv[2:])]),
                                  commit=git_commit('results'), scale=sc, scale_detail=scale_text(sc), prune=c['prune'], quantize=c['quantize'],
                                  stages=exp.stages, date=time.strftime('%Y-%m-%d')), indent=1))
print(f"{name}: held-out top-1 error: reference {exp.stages['reference']['top1_error']:.2f}%, pruned {exp.stages['prune']['top1_error']:.2f}% "
      f"at {exp.stages['prune']['rate']:.1f}×; written to {out}")
