"""QR codes of tokens: SVG for screens, PNG for print. Error correction M and a quiet zone
of four modules keep them readable from a phone screen and from a creased sheet of paper."""

import io

import qrcode
from qrcode.image.svg import SvgPathImage


def _code(token: str, box_size: int) -> qrcode.QRCode:
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=box_size
    )
    code.add_data(token)
    code.make(fit=True)
    return code


def svg(token: str) -> str:
    image = _code(token, 10).make_image(image_factory=SvgPathImage)
    return image.to_string(encoding="unicode")


def png(token: str, box_size: int = 8) -> bytes:
    out = io.BytesIO()
    _code(token, box_size).make_image().save(out, format="PNG")
    return out.getvalue()
