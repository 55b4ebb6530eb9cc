#!/usr/bin/env python3
"""The demo's OCR helper around the PaddleOCR v4 recognition model (shipped in the PyPI package
rapidocr-onnxruntime), which Kiln compiles and runs; this script only prepares and reads data.

  ocr_demo.py model                      print the path of the recognition model
  ocr_demo.py make-input OUT.npy TEXT    draw TEXT black on white, 48 px high, normalized as
                                         PaddleOCR does ((pixel/255 - 0.5) / 0.5, [1,3,48,W])
  ocr_demo.py decode OUT.json            CTC-decode Kiln's output (kiln exec --exportOutput)
                                         with the dictionary stored in the model's metadata
"""
import json
import os
import sys

import numpy as np


def model_path():
    import rapidocr_onnxruntime
    return os.path.join(os.path.dirname(rapidocr_onnxruntime.__file__), "models", "ch_PP-OCRv4_rec_infer.onnx")


def make_input(out, text, width=320):
    from PIL import Image, ImageDraw, ImageFont
    font = ImageFont.load_default(size=36)
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    left, top, right, bottom = probe.textbbox((0, 0), text, font=font)
    img = Image.new("RGB", (right - left + 16, 48), "white")
    ImageDraw.Draw(img).text((8 - left, (48 - (bottom - top)) // 2 - top), text, fill="black", font=font)
    # PaddleOCR's recognizer input: height 48, width scaled to keep the aspect, padded to `width`.
    w = min(width, int(round(img.width * 48 / img.height)))
    img = img.resize((w, 48), Image.BILINEAR)
    x = np.zeros((1, 3, 48, width), np.float32)
    x[0, :, :, :w] = (np.asarray(img, np.float32).transpose(2, 0, 1) / 255.0 - 0.5) / 0.5
    np.save(out, x)
    print(f"[demo] drew '{text}' into {out} (1x3x48x{width})")


def decode(out_json):
    import onnx
    model = onnx.load(model_path(), load_external_data=False)
    chars = next(p.value for p in model.metadata_props if p.key == "character").splitlines()
    alphabet = ["<blank>"] + chars + [" "]
    tensor = json.load(open(out_json))[0]
    dims = [int(d) for d in tensor["dimensions"].split("x")]
    probs = np.asarray(tensor["values"], np.float32).reshape(dims)[0]  # [T, classes]
    best, score = probs.argmax(axis=1), probs.max(axis=1)
    text, confidences, previous = [], [], 0
    for t, (k, p) in enumerate(zip(best, score)):
        if k != 0 and k != previous:
            text.append(alphabet[k])
            confidences.append(p)
        previous = k
    conf = float(np.mean(confidences)) if confidences else 0.0
    print(f"[demo] recognized text: '{''.join(text)}' (mean confidence {conf:.3f})")


def main(argv):
    if len(argv) >= 2 and argv[1] == "model":
        print(model_path())
    elif len(argv) == 4 and argv[1] == "make-input":
        make_input(argv[2], argv[3])
    elif len(argv) == 3 and argv[1] == "decode":
        decode(argv[2])
    else:
        print(__doc__)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
