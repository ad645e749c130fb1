"""Turn a GGUF file into a Hugging Face model folder that vLLM's CPU build can serve.

Run with the vLLM environment's Python (it has transformers, torch and gguf):
``python vllm_convert.py MODEL.gguf OUT_DIR``. vLLM 0.32 cannot serve GGUF on a CPU (its GGUF
kernels need CUDA, and it cannot read the tokenizer from the file), so the weights are
dequantised to bfloat16 once; the chat template comes from the GGUF's own metadata.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def chat_template(gguf_path: Path) -> str:
    """The ``tokenizer.chat_template`` string stored in the GGUF."""
    from gguf import GGUFReader

    field = GGUFReader(str(gguf_path)).fields["tokenizer.chat_template"]
    return bytes(field.parts[field.data[0]]).decode("utf-8")


def convert(gguf_path: Path, out: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig

    folder, name = str(gguf_path.parent), gguf_path.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    tokenizer.chat_template = chat_template(gguf_path)
    loaded = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32,
                                                  quantization_config=GgufConfig(dequantize=True))
    # A GGUF-loaded model refuses to be saved (its quantizer says so even when dequantised): copy
    # its weights into a plain model built from the same config, without the quantization part.
    config = loaded.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    model = AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16)
    model.load_state_dict({k: v.to(torch.bfloat16) for k, v in loaded.state_dict().items()})
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    config = json.loads((out / "config.json").read_text())
    config.pop("quantization_config", None)
    config["architectures"] = [type(model).__name__]
    config["torch_dtype"] = "bfloat16"
    (out / "config.json").write_text(json.dumps(config, indent=2))
    stops = [tokenizer.convert_tokens_to_ids(t) for t in ("<|im_end|>", "<|endoftext|>")]
    gen = {"eos_token_id": [i for i in stops if isinstance(i, int) and i >= 0], "do_sample": False}
    (out / "generation_config.json").write_text(json.dumps(gen, indent=2))


if __name__ == "__main__":
    convert(Path(sys.argv[1]), Path(sys.argv[2]))
