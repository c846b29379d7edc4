__version__ = "0.0.1"

import warnings
# fastai imports `torch.jit.script`, which torch >= 2.10 flags as deprecated on every import: not actionable here
warnings.filterwarnings('ignore', message=r'`torch\.jit\.script` is deprecated', category=FutureWarning)
