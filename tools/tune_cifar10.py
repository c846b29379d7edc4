"""Choose cifar10_lenet5's hyperparameters on a held-out 10% of the CIFAR-10 training split, never on the test set.

Trains the reference with the config's settings and prunes it in four rounds to a deeper target than the config's,
so that each round's held-out error shows how far LeNet-5 can be pruned. Writes results/tuning/cifar10_lenet5-holdout.json
(the stage records, the scale and the commit).   Usage: python tools/tune_cifar10.py [WORK_DIR]
"""
import sys, json, time
from pathlib import Path
from dataclasses import asdict
from deep_compression.config import load_config
from deep_compression.core import atomic_write
from deep_compression.data import get_dls
from deep_compression.models import get_model
from deep_compression.records import git_commit, scale_text
from deep_compression.experiment import Experiment, cache_dir

c = asdict(load_config('cifar10_lenet5'))
c['prune'].update(rounds=4, sparsity={'conv1': 0.4, 'conv2': 0.85, 'fc1': 0.97, 'fc2': 0.85})
dls = get_dls('cifar10', bs=c['bs'], seed=c['seed'], holdout=0.1)
print(dls.source, flush=True)
work = sys.argv[1] if len(sys.argv) > 1 else cache_dir()/'runs'/'cifar10_lenet5-holdout'
exp = Experiment.from_model(get_model('lenet5', 'cifar10', seed=c['seed']), dls, experiment='cifar10_lenet5-holdout', work=work,
                            show_progress=False, seed=c['seed'], train=c['train'], prune=c['prune'], quantize=c['quantize'])
exp.run(until='prune')  # the choice to make is how far to prune: the later stages are the config's
sc = dict(exp.scale(), name='tuning', data=dls.source)
out = Path('results/tuning/cifar10_lenet5-holdout.json')
out.parent.mkdir(parents=True, exist_ok=True)
atomic_write(out, json.dumps(dict(command='python tools/tune_cifar10.py', commit=git_commit('results'), scale=sc,
                                  scale_detail=scale_text(sc), prune=c['prune'], stages=exp.stages,
                                  date=time.strftime('%Y-%m-%d')), indent=1))
print(f"held-out top-1 error: reference {exp.stages['reference']['top1_error']:.2f}%, pruned {exp.stages['prune']['top1_error']:.2f}% "
      f"at {exp.stages['prune']['rate']:.1f}×; written to {out}")
