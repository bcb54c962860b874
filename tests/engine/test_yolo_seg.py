"""YOLOv8-seg post-processing: known-answer tensors and a cross-check with ultralytics."""

from __future__ import annotations

import numpy as np
import pytest

from stickerstudio_desktop.engine.preprocess import letterbox
from stickerstudio_desktop.engine.yolo_seg import nms, postprocess


def synthetic_outputs(nc: int, input_size=(320, 320), nm: int = 32):
    """One confident anchor: box and mask of a known rectangle in input space."""
    ih, iw = input_size
    mh, mw = ih // 4, iw // 4
    anchors = 50
    out0 = np.zeros((1, 4 + nc + nm, anchors), np.float32)
    out0[0, 4:4 + nc] = 0.01
    # anchor 7: box (100..220, 120..200) in input px, class nc-1, score 0.9
    out0[0, :4, 7] = [160, 160, 120, 80]
    out0[0, 4 + nc - 1, 7] = 0.9
    # a weaker duplicate that NMS must drop
    out0[0, :4, 8] = [162, 161, 118, 80]
    out0[0, 4 + nc - 1, 8] = 0.6
    out0[0, 4 + nc, 7:9] = 1.0  # coefficient 0 selects prototype 0
    protos = np.full((1, nm, mh, mw), -8.0, np.float32)
    protos[0, 1:] = 0.0
    protos[0, 0, 30:50, 25:55] = 8.0  # input px rows 120..200, cols 100..220
    return out0, protos


@pytest.mark.parametrize("nc", [1, 2, 80])
def test_known_box_and_mask_map_back_to_original(nc):
    orig_h, orig_w = 480, 640  # letterboxed into 320×320: gain 0.5, pad y 40
    img = np.zeros((orig_h, orig_w, 3), np.uint8)
    _, gain, pad = letterbox(img, (320, 320))
    assert gain == 0.5 and pad == (0, 40)
    out0, protos = synthetic_outputs(nc)
    inst = postprocess(out0, protos, input_size=(320, 320), orig_size=(orig_h, orig_w), gain=gain, pad=pad,
                       class_names=tuple(f"c{i}" for i in range(nc)), conf=0.25)
    assert len(inst) == 1, "the weaker duplicate must be suppressed"
    (i,) = inst
    assert i.class_id == nc - 1 and i.class_name == f"c{nc - 1}"
    assert i.score == pytest.approx(0.9)
    # input box x 100..220, y 120..200 → original x 200..440, y (120-40)/0.5=160..320
    np.testing.assert_allclose(i.box, (200, 160, 440, 320), atol=0.5)
    assert i.mask.shape == (orig_h, orig_w)
    binary = i.mask >= 0.5
    ys, xs = np.nonzero(binary)
    assert abs(xs.min() - 200) <= 2 and abs(xs.max() - 439) <= 2
    assert abs(ys.min() - 160) <= 2 and abs(ys.max() - 319) <= 2
    assert binary.sum() == pytest.approx(240 * 160, rel=0.05)
    assert not binary[:150].any() and not binary[330:].any()


def test_nothing_above_threshold_gives_no_instances():
    out0, protos = synthetic_outputs(1)
    assert postprocess(out0, protos, input_size=(320, 320), orig_size=(320, 320), gain=1.0, pad=(0, 0),
                       conf=0.95) == []


def test_classes_do_not_suppress_each_other():
    out0, protos = synthetic_outputs(2)
    out0[0, 4:6, 8] = [0.6, 0.0]  # the duplicate now belongs to class 0
    inst = postprocess(out0, protos, input_size=(320, 320), orig_size=(320, 320), gain=1.0, pad=(0, 0))
    assert sorted(i.class_id for i in inst) == [0, 1]


def test_nms_keeps_disjoint_boxes_and_orders_by_score():
    boxes = np.array([[0, 0, 10, 10], [1, 1, 10, 10], [50, 50, 60, 60]], np.float32)
    keep = nms(boxes, np.array([0.5, 0.9, 0.7]), 0.5)
    assert keep.tolist() == [1, 2]


def test_matches_ultralytics_on_a_real_export(yolo_onnx):
    """Same ONNX outputs, decoded by us and by ultralytics' own ops, agree."""
    import onnxruntime as ort
    import torch
    from PIL import Image
    from ultralytics.utils import nms as unms
    from ultralytics.utils import ops

    from tests.conftest import SAMPLES

    rgb = np.asarray(Image.open(SAMPLES / "chelsea.jpg").convert("RGB"))
    sess = ort.InferenceSession(str(yolo_onnx))
    size = tuple(sess.get_inputs()[0].shape[2:])
    img, gain, pad = letterbox(rgb, size)
    x = img.transpose(2, 0, 1)[None].astype(np.float32) / 255
    out0, out1 = sess.run(None, {"images": x})
    nc = out0.shape[1] - 4 - 32
    conf = float(np.sort(out0[0, 4:4 + nc].max(0))[-20])  # keep ~20 candidates
    ours = postprocess(out0, out1, input_size=size, orig_size=rgb.shape[:2], gain=gain, pad=pad, conf=conf,
                       iou=0.45, max_det=100)
    det = unms.non_max_suppression(torch.from_numpy(out0), conf, 0.45, nc=nc, max_det=100)[0]
    det = det[det[:, 4] > conf]
    boxes = ops.scale_boxes(size, det[:, :4].clone(), rgb.shape[:2]).numpy()
    inside = (np.ceil(boxes[:, 2]) > np.floor(boxes[:, 0])) & (np.ceil(boxes[:, 3]) > np.floor(boxes[:, 1]))
    det, boxes = det[torch.from_numpy(inside)], boxes[inside]  # we drop boxes wholly outside the photo
    assert len(ours) == len(det) > 0
    masks = ops.process_mask(torch.from_numpy(out1[0]), det[:, 6:], det[:, :4], size, upsample=True)
    masks = ops.scale_masks(masks[None].float(), rgb.shape[:2])[0] > 0.5
    order = np.argsort(-det[:, 4].numpy())
    for inst, k in zip(ours, order):
        np.testing.assert_allclose(inst.box, boxes[k], atol=1.5)
        theirs = masks[k].numpy()
        mine = inst.mask >= 0.5
        union = (mine | theirs).sum()
        if union > 200:  # tiny random blobs make IoU meaningless
            assert (mine & theirs).sum() / union > 0.8  # bilinear order differs on noisy masks


def test_a_mask_reaches_past_a_box_that_is_too_tight_but_no_further():
    """The box is the detector's guess: a mask wider than it keeps BOX_MARGIN of the overhang."""
    from stickerstudio_desktop.engine.yolo_seg import BOX_MARGIN

    out0, protos = synthetic_outputs(1)
    protos[0, 0, 20:60, 25:55] = 8.0  # the mask runs from input row 80 to 240; the box 120..200
    args = dict(input_size=(320, 320), orig_size=(320, 320), gain=1.0, pad=(0, 0))
    clipped = postprocess(out0, protos, box_margin=0.0, **args)[0].mask >= 0.5
    grown = postprocess(out0, protos, **args)[0].mask >= 0.5
    ys = np.nonzero(clipped.any(1))[0]
    assert ys.min() == 120 and ys.max() == 199  # cut along the box's straight edges
    ys = np.nonzero(grown.any(1))[0]
    reach = BOX_MARGIN * 80  # the box is 80 px high
    assert ys.min() == pytest.approx(120 - reach, abs=1) and ys.max() == pytest.approx(199 + reach, abs=1)
    assert grown.sum() > clipped.sum() and not grown[:100].any()
