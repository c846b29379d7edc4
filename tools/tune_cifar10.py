"""The command of the cifar10_lenet5 tuning records in results/tuning/: `tools/tune.py` for that config.

    python tools/tune_cifar10.py [NAME [PRUNE [QUANTIZE]]]   # = python tools/tune.py cifar10_lenet5 NAME PRUNE QUANTIZE

Without arguments it runs the first variant those records start from, 'deep' (deeper targets than needed).
"""
import sys, runpy
from pathlib import Path

args = sys.argv[1:] or ['deep', '{"rounds": 4, "sparsity": {"conv1": 0.4, "conv2": 0.85, "fc1": 0.97, "fc2": 0.85}}']
sys.argv = [str(Path(__file__).with_name('tune.py')), 'cifar10_lenet5', *args]
runpy.run_path(sys.argv[0], run_name='__main__')
