"""The held-out search behind AlexNet's training recipe (issue 12): `search_recipe.py` for AlexNet at 128 px.

    python tools/search_alexnet.py adam3e4k,sgd02k,adam1e4,adam1e3kin [EPOCHS]

The log of the run behind the config is results/tuning/imagenette_alexnet-search.txt.
"""
import sys
from search_recipe import search

if __name__ == '__main__': search('alexnet', 128, sys.argv[1].split(','), int(sys.argv[2]) if len(sys.argv) > 2 else 6)
