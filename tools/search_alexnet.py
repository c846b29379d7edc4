"""The held-out search behind AlexNet's training recipe (issue 12): optimizer, learning rate and initialisation, 6 one-cycle
epochs each on a 20% subset of the 90% of Imagenette's training split kept for training, validated on the 947 training
images held out (never the val split).

    python tools/search_alexnet.py adam3e4k,sgd02k,adam1e4,adam1e3kin [EPOCHS]

Prints one line of metrics per epoch (the log of the run behind the config is results/tuning/imagenette_alexnet-search.txt).
"""
import sys, time
from torch import nn
from deep_compression.data import get_dls
from deep_compression.models import get_model, get_learner, reseed, init_relu, TableLogger

def default_init(m):
    "PyTorch's own initialisation of every layer."
    for o in m.modules():
        if isinstance(o, (nn.Conv2d, nn.Linear)): o.reset_parameters()
    return m

def he_fan_in(m):
    "He normal, fan-in, for every layer; biases 0."
    for o in m.modules():
        if isinstance(o, (nn.Conv2d, nn.Linear)): nn.init.kaiming_normal_(o.weight, nonlinearity='relu'); nn.init.zeros_(o.bias)
    return m

VARIANTS = dict(  # name: (optimizer, lr, weight decay, init)
    adam3e4k=('fused_adam', 3e-4, 1e-4, init_relu), sgd02k=('sgd', 0.02, 5e-4, init_relu),
    adam1e4=('fused_adam', 1e-4, 1e-4, default_init), adam1e3kin=('fused_adam', 1e-3, 1e-4, he_fan_in))

if __name__ == '__main__':
    names, epochs = sys.argv[1].split(','), int(sys.argv[2]) if len(sys.argv) > 2 else 6
    dls = get_dls('imagenette', bs=64, size=128, subset=0.2, valid_subset=1.0, seed=0, holdout=0.1)
    print(len(dls.train_ds), len(dls.valid_ds), dls.source, flush=True)
    for name in names:
        opt, lr, wd, init = VARIANTS[name]
        reseed(dls, 0); m = init(get_model('alexnet', 'imagenette', size=128, seed=0))
        learn = get_learner(dls, m, wd=wd, opt=opt, cbs=[TableLogger()])
        t = time.time()
        with learn.no_bar(): learn.fit_one_cycle(epochs, lr)
        print(name, 'done', round(time.time() - t), 's', flush=True)
