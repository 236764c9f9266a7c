"""The torch device an adapter runs on, chosen the same way by every torch-based adapter."""


def choose_torch_device(torch, library, device):
    """device None: "cuda" when torch sees a GPU, else "cpu". "cuda" without a GPU exits with
    one line naming the library."""
    if device is None:
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise SystemExit(f"{library}: --device cuda, but no CUDA device is available")
    return device
