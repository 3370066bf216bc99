"""PNG, JPEG, BMP and TIFF frames through read_image (medeval.loaders.raster).

Every expected array comes from outside medeval: the array the file was written from,
Pillow's own reading (``numpy.asarray(PIL.Image.open(path))``), or SimpleITK's. Every
damaged file is a real file written with Pillow and then cut or altered by bytes.
"""

from __future__ import annotations

import numpy as np
import pytest
import SimpleITK as sitk
from PIL import Image as PILImage
from PIL import ImageFile

from medeval.errors import LoaderError, ManifestError
from medeval.loaders import read_image
from medeval.loaders._files import sniff
from medeval.manifest import Case, Manifest

from .conftest import refused

RNG = np.random.default_rng(20261203)
RGB = RNG.integers(0, 256, (48, 64, 3), dtype=np.uint8)
GREY16 = RNG.integers(0, 65536, (48, 64), dtype=np.uint16)


def pillow(path):
    """Pillow's own reading of the file, decoded in full."""
    with PILImage.open(path) as image:
        return np.asarray(image)


def save(array, path, **options):
    PILImage.fromarray(array).save(path, **options)
    return path


# -- formats read -------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".png", ".bmp", ".tif", ".jpg"])
def test_rgb_stays_rgb_channels_last(tmp_path, suffix):
    path = save(RGB, tmp_path / f"frame{suffix}")
    image = read_image(path)
    assert image.shape == (1, 48, 64, 3) and image.array.dtype == np.uint8
    assert np.array_equal(image.array[0], pillow(path))
    if suffix != ".jpg":  # lossless: the very array written
        assert np.array_equal(image.array[0], RGB)
    assert image.spacing_mm is None
    assert image.metadata["format"] == {".png": "png", ".bmp": "bmp", ".tif": "tiff",
                                        ".jpg": "jpeg"}[suffix]
    assert image.metadata["geometry"] == "absent"


def test_png_reads_as_simpleitk_reads_it(tmp_path):
    grey = save(GREY16, tmp_path / "grey16.png")
    colour = save(RGB, tmp_path / "colour.png")
    assert np.array_equal(read_image(grey).array[0], sitk.GetArrayFromImage(
        sitk.ReadImage(str(grey))))
    assert np.array_equal(read_image(colour).array[0], sitk.GetArrayFromImage(
        sitk.ReadImage(str(colour))))


@pytest.mark.parametrize("suffix", [".png", ".tif"])
def test_16_bit_greyscale(tmp_path, suffix):
    path = save(GREY16, tmp_path / f"us{suffix}")
    image = read_image(path)
    assert image.array.dtype == np.uint16 and image.shape == (1, 48, 64)
    assert np.array_equal(image.array[0], GREY16)
    assert np.array_equal(image.array[0], pillow(path))


@pytest.mark.parametrize("options", [{"big_tiff": True}, {"compression": "tiff_lzw"},
                                     {"compression": "tiff_adobe_deflate"},
                                     {"compression": "packbits"}])
def test_bigtiff_and_compressed_tiff(tmp_path, options):
    path = save(GREY16 if "big_tiff" in options else RGB, tmp_path / "x.tif", **options)
    image = read_image(path)
    assert np.array_equal(image.array[0], pillow(path))
    assert np.array_equal(image.array[0], GREY16 if "big_tiff" in options else RGB)


def test_8_bit_greyscale_1_bit_and_float(tmp_path):
    grey = RGB[..., 0]
    assert np.array_equal(read_image(save(grey, tmp_path / "g.png")).array[0], grey)
    bits = RGB[..., 1] > 127
    one = read_image(save(bits, tmp_path / "b.png"))
    assert one.array.dtype == np.bool_ and np.array_equal(one.array[0], bits)
    values = RNG.random((8, 9)).astype(np.float32)
    floats = read_image(save(values, tmp_path / "f.tif"))
    assert floats.array.dtype == np.float32 and np.array_equal(floats.array[0], values)


def test_palette_is_expanded_to_its_colours_or_to_grey(tmp_path):
    indices = np.array([[0, 1, 2], [2, 1, 0]], dtype=np.uint8)
    colours = PILImage.fromarray(indices, mode="P")
    colours.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0])
    colours.save(tmp_path / "colours.png")
    image = read_image(tmp_path / "colours.png")
    with PILImage.open(tmp_path / "colours.png") as opened:
        expected = np.asarray(opened.convert("RGB"))
    assert image.shape == (1, 2, 3, 3) and np.array_equal(image.array[0], expected)
    assert image.array[0, 0, 1].tolist() == [255, 0, 0]  # index 1 is red
    greys = PILImage.fromarray(indices, mode="P")
    greys.putpalette([0, 0, 0, 100, 100, 100, 200, 200, 200])
    greys.save(tmp_path / "greys.png")
    grey = read_image(tmp_path / "greys.png")
    assert grey.shape == (1, 2, 3) and grey.array[0].tolist() == [[0, 100, 200], [200, 100, 0]]


def test_alpha_opaque_is_dropped_transparent_is_refused(tmp_path):
    rgba = np.dstack([RGB, np.full((48, 64), 255, np.uint8)])
    assert np.array_equal(read_image(save(rgba, tmp_path / "opaque.png")).array[0], RGB)
    rgba[3, 4, 3] = 0
    refused(save(rgba, tmp_path / "hole.png"), "alpha", "1 pixel(s) not fully opaque")
    la = np.dstack([RGB[..., 0], np.full((48, 64), 255, np.uint8)])
    assert np.array_equal(read_image(save(la, tmp_path / "la.png")).array[0], RGB[..., 0])


def test_a_transparent_colour_key_is_transparency_too(tmp_path):
    # PNG's tRNS chunk on a grey or RGB image makes every pixel of one value transparent;
    # Pillow's RGBA conversion shows which, and medeval refuses them as it refuses alpha
    grey = np.array([[0, 255, 7], [255, 0, 9]], np.uint8)
    path = save(grey, tmp_path / "key.png", transparency=0)
    with PILImage.open(path) as opened:
        holes = int((np.asarray(opened.convert("RGBA"))[..., 3] != 255).sum())
    assert holes == 2
    refused(path, "transparent", f"{holes} pixel(s)")
    colour = np.dstack([grey, grey, np.zeros_like(grey)])
    path = save(colour, tmp_path / "key_rgb.png", transparency=(255, 255, 0))
    refused(path, "transparent", "2 pixel(s)")
    # a key no pixel holds leaves every pixel opaque: read as it is
    unused = save(grey, tmp_path / "unused.png", transparency=100)
    assert np.array_equal(read_image(unused).array[0], grey)


def test_multi_page_tiff_is_a_stack_of_frames(tmp_path):
    pages = [RGB, RGB[::-1], 255 - RGB]
    frames = [PILImage.fromarray(p) for p in pages]
    frames[0].save(tmp_path / "cine.tif", save_all=True, append_images=frames[1:])
    image = read_image(tmp_path / "cine.tif")
    assert image.shape == (3, 48, 64, 3) and np.array_equal(image.array, np.stack(pages))
    odd = [PILImage.fromarray(RGB), PILImage.fromarray(RGB[:24])]
    odd[0].save(tmp_path / "pyramid.tif", save_all=True, append_images=odd[1:])
    refused(tmp_path / "pyramid.tif", "page 2", "(24, 64, 3)")


def test_print_resolution_is_not_spacing(tmp_path):
    path = save(RGB, tmp_path / "dpi.png", dpi=(300, 300))
    image = read_image(path)
    assert image.spacing_mm is None
    with pytest.raises(LoaderError, match="no physical spacing"):
        image.physical_point((0, 1, 1))


def test_formats_are_sniffed_by_bytes_not_names(tmp_path):
    for suffix, found in [(".png", "png"), (".jpg", "jpeg"), (".bmp", "bmp"), (".tif", "tiff")]:
        path = save(RGB, tmp_path / f"x{suffix}")
        renamed = path.rename(tmp_path / f"x{suffix[1:]}.dat")
        assert sniff(renamed) == found
        assert np.array_equal(read_image(renamed).array[0], pillow(renamed))


# -- refused pixel types ------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".png", ".tif"])
def test_16_bits_per_colour_channel_is_refused(tmp_path, suffix):
    # Pillow reads these as 8-bit RGB without a word; SimpleITK writes them.
    deep = RNG.integers(0, 65536, (6, 7, 3)).astype(np.uint16)
    path = tmp_path / f"deep{suffix}"
    sitk.WriteImage(sitk.GetImageFromArray(deep, isVector=True), str(path))
    assert pillow(path).dtype == np.uint8  # what would have been read
    refused(path, "more than 8 bits per colour channel")


def test_cmyk_is_refused(tmp_path):
    PILImage.fromarray(RGB).convert("CMYK").save(tmp_path / "print.jpg")
    refused(tmp_path / "print.jpg", "CMYK")


def test_animated_png_is_refused(tmp_path):
    frames = [PILImage.fromarray(RGB), PILImage.fromarray(255 - RGB)]
    frames[0].save(tmp_path / "anim.png", save_all=True, append_images=frames[1:])
    refused(tmp_path / "anim.png", "2 frames")


# -- EXIF orientation ---------------------------------------------------------------------

def _exif(orientation):
    exif = PILImage.Exif()
    exif[0x0112] = orientation
    return exif


def test_a_plain_jpeg_and_orientation_1_read(tmp_path):
    plain = save(RGB, tmp_path / "plain.jpg")
    upright = save(RGB, tmp_path / "upright.jpg", exif=_exif(1))
    assert np.array_equal(read_image(plain).array[0], pillow(plain))
    assert np.array_equal(read_image(upright).array[0], pillow(upright))


@pytest.mark.parametrize("suffix", [".jpg", ".png", ".tif"])
def test_a_rotated_exif_orientation_is_refused(tmp_path, suffix):
    path = save(RGB, tmp_path / f"rotated{suffix}", exif=_exif(6))
    with PILImage.open(path) as opened:  # the tag is there, as Pillow reads it
        assert opened.getexif()[0x0112] == 6
    refused(path, "EXIF orientation", "is 6", "rotated 90° clockwise", "exif_transpose")


@pytest.mark.parametrize("value", [0, 9, 65535])
def test_an_orientation_outside_1_to_8_turns_nothing(tmp_path, value):
    # the EXIF standard defines 1 to 8; cameras and software that write 0 ("unknown") or
    # another value leave the picture unturned for every reader: Pillow's exif_transpose
    # (like OpenCV) does nothing, so there is nothing to be unsure of
    from PIL import ImageOps

    path = save(RGB, tmp_path / f"o{value}.png", exif=_exif(value))
    with PILImage.open(path) as opened:
        assert opened.getexif()[0x0112] == value
        shown = np.asarray(ImageOps.exif_transpose(opened))
    assert np.array_equal(read_image(path).array[0], shown)
    assert np.array_equal(shown, RGB)


# -- damaged and mislabelled files --------------------------------------------------------

@pytest.mark.parametrize("suffix", [".png", ".jpg", ".bmp", ".tif"])
def test_a_truncated_file_is_refused(tmp_path, suffix):
    whole = save(RGB, tmp_path / f"whole{suffix}").read_bytes()
    cut = tmp_path / f"cut{suffix}"
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    refused(cut, "Pillow cannot decode it", "truncated")


def test_a_png_with_a_damaged_pixel_byte_or_no_end_is_refused(tmp_path):
    data = bytearray(save(RGB, tmp_path / "good.png").read_bytes())
    at = data.find(b"IDAT") + 200
    data[at] ^= 0xFF
    (tmp_path / "flipped.png").write_bytes(bytes(data))
    refused(tmp_path / "flipped.png", "Pillow cannot decode it")
    whole = (tmp_path / "good.png").read_bytes()
    (tmp_path / "no_end.png").write_bytes(whole[:-12])  # the IEND chunk is 12 bytes
    assert pillow(tmp_path / "no_end.png").shape == (48, 64, 3)  # Pillow alone reads it
    refused(tmp_path / "no_end.png", "truncated")


@pytest.mark.parametrize("name", ["empty.png", "empty.jpg", "empty.tif"])
def test_an_empty_file_is_refused(tmp_path, name):
    (tmp_path / name).write_bytes(b"")
    refused(tmp_path / name, "is empty (0 bytes)")


def test_a_name_that_contradicts_the_bytes_is_refused(tmp_path):
    jpeg = save(RGB, tmp_path / "frame.jpg").read_bytes()
    (tmp_path / "mask.png").write_bytes(jpeg)
    refused(tmp_path / "mask.png", "its name says PNG but its bytes are a JPEG file")
    (tmp_path / "notes.png").write_text("not an image at all")
    refused(tmp_path / "notes.png", "its name says PNG", "not a PNG, JPEG, BMP or TIFF")
    png = save(RGB, tmp_path / "real.png").read_bytes()
    (tmp_path / "frame.tiff").write_bytes(png)
    refused(tmp_path / "frame.tiff", "its name says TIFF but its bytes are a PNG file")


def test_decompression_bomb_warning_and_error_are_refused(tmp_path, monkeypatch):
    path = save(RGB, tmp_path / "big.png")  # 3072 pixels
    monkeypatch.setattr(PILImage, "MAX_IMAGE_PIXELS", 2000)  # warns above, errs above 2x
    refused(path, "Pillow warned", "DecompressionBombWarning")
    monkeypatch.setattr(PILImage, "MAX_IMAGE_PIXELS", 1000)
    refused(path, "DecompressionBombError")


def test_nothing_is_read_while_pillow_loads_truncated_images(tmp_path, monkeypatch):
    path = save(RGB, tmp_path / "fine.png")
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    refused(path, "LOAD_TRUNCATED_IMAGES")


# -- the manifest -------------------------------------------------------------------------

def test_the_manifest_takes_raster_images_and_masks(tmp_path):
    save(RGB, tmp_path / "c1.jpg")
    save(np.where(RGB[..., 0] > 127, 255, 0).astype(np.uint8), tmp_path / "c1_mask.png")
    whole = save(RGB, tmp_path / "c2.png").read_bytes()
    (tmp_path / "c2_cut.png").write_bytes(whole[:500])
    for kind in ("image", "segmentation"):
        good = Manifest([Case("c1", "p1", ("c1.jpg",), "c1_mask.png")], root=tmp_path,
                        reference_kind=kind)
        good.validate(read_files=True)
        cut = Manifest([Case("c2", "p2", ("c2.png",), "c2_cut.png")], root=tmp_path,
                       reference_kind=kind)
        cut.validate()  # its first bytes are PNG
        with pytest.raises(ManifestError, match=r"case c2: reference 'c2_cut.png': unreadable"):
            cut.validate(read_files=True)


def test_read_files_decodes_the_input_frames_too(tmp_path):
    """A damaged frame of the set is found by the check, not blamed on the algorithm that
    could not read it. The truncated file is one Pillow itself cannot load."""
    save(RGB, tmp_path / "c1.png")
    whole = save(RGB, tmp_path / "c2.png").read_bytes()
    (tmp_path / "c2.png").write_bytes(whole[:len(whole) // 2])
    with pytest.raises(OSError), PILImage.open(tmp_path / "c2.png") as image:
        image.load()  # the independent view: Pillow cannot read it either
    turned = PILImage.fromarray(RGB)
    exif = turned.getexif()
    exif[0x0112] = 3
    turned.save(tmp_path / "c3.jpg", exif=exif)
    cases = [Case(c, "p1", (name,), "benign") for c, name in
             (("c1", "c1.png"), ("c2", "c2.png"), ("c3", "c3.jpg"))]
    manifest = Manifest(cases, root=tmp_path, reference_kind="label")
    manifest.validate()  # without reading: every frame's first bytes are right
    with pytest.raises(ManifestError) as caught:
        manifest.validate(read_files=True)
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == ["case c2", "case c3"]
    assert problems[0].startswith("case c2: input 'c2.png': unreadable: ")
    assert "EXIF orientation is 3" in problems[1]
