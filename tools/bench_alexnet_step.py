"""One AlexNet training step on random 128 px images, batch 64, on this CPU: float32 vs bfloat16 autocast, and one optimizer
step of fastai's Adam vs PyTorch's fused AdamW on AlexNet's parameters. The one-off measurements quoted in
13_imagenette_alexnet's table (a benchmark, not a test: ratios from the same run).

    python tools/bench_alexnet_step.py
"""
import time, statistics, torch
import torch.nn.functional as F
from fastai.optimizer import Adam
from deep_compression.models import get_model, FusedAdam

def med(f, reps=3):
    f(); ts = []
    for _ in range(reps): t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return statistics.median(ts)

m = get_model('alexnet', 'imagenette', size=128, seed=0)
x, y = torch.randn(64, 3, 128, 128), torch.randint(0, 10, (64,))
def step(bf16):
    with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16): loss = F.cross_entropy(m(x).float(), y)
    loss.backward(); m.zero_grad()
fp32, bf16 = med(lambda: step(False)), med(lambda: step(True), reps=1)
print(f"forward + backward, batch 64: float32 {fp32:.2f} s, bfloat16 autocast {bf16:.2f} s ({bf16/fp32:.1f}× the float32 time); "
      f"CPU capability {torch.backends.cpu.get_cpu_capability()}")
for p in m.parameters(): p.grad = torch.randn_like(p)*1e-3
ps = list(m.parameters())
a, f = med(Adam(ps, lr=1e-3, wd=1e-4).step, 5), med(FusedAdam(ps, lr=1e-3, wd=1e-4).step, 5)
print(f"optimizer step on {sum(p.numel() for p in ps):,} parameters: fastai Adam {a*1e3:.0f} ms, fused AdamW {f*1e3:.0f} ms ({a/f:.1f}×)")
