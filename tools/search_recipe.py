"""Held-out searches for the training recipes of the Imagenette networks (issue 12): optimizer, learning rate,
initialisation and batch norm, a few one-cycle epochs each on a 20% subset of the 90% of Imagenette's training split
kept for training, validated on the 947 training images held out (never the val split).

    python tools/search_recipe.py alexnet 128 adam3e4k,sgd02k,adam1e4,adam1e3kin [EPOCHS]
    python tools/search_recipe.py vgg16 64 vgg_adam1e4,vggbn_adam1e3,vggbn_adam1e4,vggbn_sgd05 [EPOCHS]
    python tools/search_recipe.py vgg16 32 vgg_adam1e4,vggbn_adam1e3,vggbn_adam1e4 6

Prints one line of metrics per epoch and each variant's wall time. The logs behind the configs are
results/tuning/imagenette_alexnet-search.txt and results/tuning/imagenette_vgg16-search.txt.
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

VARIANTS = dict(  # name: (optimizer, lr, weight decay, init, model keyword arguments)
    adam3e4k=('fused_adam', 3e-4, 1e-4, init_relu, {}), sgd02k=('sgd', 0.02, 5e-4, init_relu, {}),
    adam1e4=('fused_adam', 1e-4, 1e-4, default_init, {}), adam1e3kin=('fused_adam', 1e-3, 1e-4, he_fan_in, {}),
    # VGG-16 with the paper's classifier at every size (`wide`; at 64 px and above it has it anyway)
    vgg_adam1e4=('fused_adam', 1e-4, 1e-4, init_relu, {'wide': True}), vgg_adam3e4=('fused_adam', 3e-4, 1e-4, init_relu, {'wide': True}),
    vggbn_adam1e3=('fused_adam', 1e-3, 1e-4, init_relu, {'bn': True, 'wide': True}),
    vggbn_adam1e4=('fused_adam', 1e-4, 1e-4, init_relu, {'bn': True, 'wide': True}),
    vggbn_adam3e4=('fused_adam', 3e-4, 1e-4, init_relu, {'bn': True, 'wide': True}),
    vggbn_sgd05=('sgd', 0.05, 5e-4, init_relu, {'bn': True, 'wide': True}))

def search(model:str, size:int, names:list, epochs:int):
    dls = get_dls('imagenette', bs=64, size=size, subset=0.2, valid_subset=1.0, seed=0, holdout=0.1)
    print(model, size, 'px:', len(dls.train_ds), 'training images,', len(dls.valid_ds), 'held out;', dls.source, flush=True)
    for name in names:
        opt, lr, wd, init, kw = VARIANTS[name]
        reseed(dls, 0); m = init(get_model(model, 'imagenette', size=size, seed=0, **kw))
        learn = get_learner(dls, m, wd=wd, opt=opt, cbs=[TableLogger()])
        t = time.time()
        with learn.no_bar(): learn.fit_one_cycle(epochs, lr)
        print(name, 'done', round(time.time() - t), 's', flush=True)

if __name__ == '__main__':
    search(sys.argv[1], int(sys.argv[2]), sys.argv[3].split(','), int(sys.argv[4]) if len(sys.argv) > 4 else 6)
