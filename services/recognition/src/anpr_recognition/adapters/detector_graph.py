"""Rewrites the platedet detector for CPU inference, once, into the model cache:

- fp16 -> fp32: ONNX Runtime's CPU kernels are fp32; an fp16 graph runs through casts and slow kernels.
- Cut before the YOLO decode: the graph ends at the six raw head convolutions (box distributions and class
  logit per stride). That drops the mask prototypes and coefficients nobody reads, makes the graph fully
  convolutional (any input size that is a multiple of 32, so a 4:3 frame is not padded to a square), and
  leaves the decode, whose box and score ranges differ by three orders of magnitude, to float numpy.
- int8 (optional): static QDQ quantisation, per channel, calibrated on frames given by the caller
  (ranges averaged over frames); the six final convolutions stay float so the logits keep their resolution.

Run `python -m anpr_recognition.adapters.prepared_models` to build the cache ahead of a deployment."""

import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from onnx import TensorProto

RECIPE = "raw-heads-v1"  # change it whenever the rewrite changes: the cache is keyed by it
STRIDES = (8, 16, 32)
BOX_OUTPUTS = tuple(f"/model.22/cv2.{i}/cv2.{i}.2/Conv_output_0" for i in range(3))
CLASS_OUTPUTS = tuple(f"/model.22/cv3.{i}/cv3.{i}.2/Conv_output_0" for i in range(3))


def to_float32_heads(source: Path, target: Path) -> None:
    # onnx is imported here, not with the module: the rewrite runs once per model cache, and the reader
    # that uses STRIDES would otherwise import it (a quarter of a second or more) at every start.
    import onnx
    from onnx import TensorProto, helper

    model = onnx.load(str(source))
    graph = model.graph
    wanted = set(BOX_OUTPUTS + CLASS_OUTPUTS)
    kept = []
    for node in reversed(graph.node):
        if wanted.intersection(node.output):
            kept.append(node)
            wanted.update(name for name in node.input if name)
    del graph.node[:]
    graph.node.extend(reversed(kept))
    for node in graph.node:
        for attribute in node.attribute:
            if node.op_type == "Cast" and attribute.name == "to" and attribute.i == TensorProto.FLOAT16:
                attribute.i = TensorProto.FLOAT
    initialisers = [_as_float32(tensor) for tensor in graph.initializer if tensor.name in wanted]
    del graph.initializer[:]
    graph.initializer.extend(initialisers)
    del graph.value_info[:]  # stale fp16 shapes; ONNX Runtime infers them again
    image = graph.input[0].type.tensor_type
    image.elem_type = TensorProto.FLOAT
    image.shape.dim[2].dim_param, image.shape.dim[3].dim_param = "height", "width"
    del graph.output[:]
    graph.output.extend(
        helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, None, None, None])
        for name in BOX_OUTPUTS + CLASS_OUTPUTS
    )
    onnx.checker.check_model(model)
    onnx.save(model, str(target))


def _as_float32(tensor: "TensorProto") -> "TensorProto":
    from onnx import numpy_helper

    array = numpy_helper.to_array(tensor)
    if array.dtype == np.float16:
        return numpy_helper.from_array(array.astype(np.float32), tensor.name)
    return tensor


def quantise_int8(float_model: Path, target: Path, calibration: Iterable[NDArray[np.float32]]) -> None:
    import onnx
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    class Frames(CalibrationDataReader):  # type: ignore[misc]
        def __init__(self) -> None:
            self._tensors = iter(calibration)

        def get_next(self) -> dict[str, NDArray[np.float32]] | None:
            tensor = next(self._tensors, None)
            return None if tensor is None else {"images": tensor}

    with tempfile.TemporaryDirectory() as scratch:
        prepared = Path(scratch) / "prepared.onnx"
        quant_pre_process(str(float_model), str(prepared), skip_symbolic_shape=True)
        final_convolutions = [
            node.name
            for node in onnx.load(str(prepared)).graph.node
            if set(node.output) & set(BOX_OUTPUTS + CLASS_OUTPUTS)
        ]
        quantize_static(
            str(prepared),
            str(target),
            Frames(),
            quant_format=QuantFormat.QDQ,
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            nodes_to_exclude=final_convolutions,
            # Plain min-max ranges are set by the single most extreme frame and leave too few levels for
            # the rest (one dev plate fell from 0.65 to 0.18 and was lost); ranges averaged over the frames
            # kept every score within a few points of fp32, and build faster than percentile histograms.
            calibrate_method=CalibrationMethod.MinMax,
            extra_options={"CalibMovingAverage": True},
        )
