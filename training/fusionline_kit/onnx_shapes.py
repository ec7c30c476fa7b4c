"""PyTorch's exporter leaves some output dimensions symbolic even where the model fixes them; the
job checks shapes when it opens a model (the pooled and patch-token widths must be fixed), so the
exported graph's output shapes are pinned to what the model produces."""
import onnx


def pin(path, shapes):
    """shapes: output name -> list of dims, None for the batch (left symbolic)."""
    model = onnx.load(path)
    for out in model.graph.output:
        if out.name not in shapes:
            continue
        dims = out.type.tensor_type.shape.dim
        wanted = shapes[out.name]
        while len(dims) < len(wanted):
            dims.add()
        for d, value in zip(dims, wanted):
            if value is None:
                d.ClearField("dim_value")
                d.dim_param = "batch"
            else:
                d.ClearField("dim_param")
                d.dim_value = int(value)
    onnx.checker.check_model(model)
    onnx.save(model, path)
