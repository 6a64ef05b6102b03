"""Write NIfTI test files covering every dtype, endianness, scaling, gzip, NIfTI-2, 4D and
sform/qform/pixdim case, then report nibabel's view of each as JSON (used by
tests/io/nifti_parity_test.ts).

stdin: {"dir": "<output folder>"}; stdout: [{"file", "shape", "affine", "zooms", "sum",
"idx", "vals", "dtype"}, ...]. Voxels are sampled at flat Fortran-order indices `idx`.
"""
import gzip
import json
import sys

import nibabel as nib
import numpy as np

rng = np.random.default_rng(1234)


def rot_affine(zooms, angle, offset, flip=False):
    c, s = np.cos(angle), np.sin(angle)
    r = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1.0]])
    m = r @ np.diag(zooms)
    if flip:
        m[:, 2] *= -1
    a = np.eye(4)
    a[:3, :3] = m
    a[:3, 3] = offset
    return a


def values(dt, shape):
    dt = np.dtype(dt)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        lo, hi = max(info.min, -50000), min(info.max, 70000)
        return rng.integers(lo, hi, size=shape, endpoint=True).astype(dt)
    return (rng.standard_normal(shape) * 100).astype(dt)


def write(path, hdr, arr, big, gz, extra=b"", pad_to=None):
    if big:
        hdr = hdr.as_byteswapped(">")
    bo = ">" if big else "<"
    raw = arr.astype(arr.dtype.newbyteorder(bo)).tobytes(order="F")
    import io

    buf = io.BytesIO()
    hdr.write_to(buf)
    head = buf.getvalue()
    off = int(hdr["vox_offset"])
    head = head + b"\0" * (off - len(head))
    blob = head + raw + extra
    with open(path, "wb") as f:
        f.write(gzip.compress(blob, 1) if gz else blob)


def case(d, name, dt="float32", shape=(5, 4, 3), version=1, big=False, gz=False,
         sform=None, qform=None, pixdim=None, slope=None, inter=None, vox_offset=None,
         extra=b"", raw_qform=None):
    hdr = nib.Nifti1Header() if version == 1 else nib.Nifti2Header()
    hdr.set_data_dtype(dt)
    hdr.set_data_shape(shape)
    base = 352 if version == 1 else 544
    hdr["vox_offset"] = vox_offset or base
    if pixdim is not None:
        hdr["pixdim"][: len(pixdim)] = pixdim
    if qform is not None:
        hdr.set_qform(qform, code=1)
    if raw_qform is not None:
        for k, v in raw_qform.items():
            hdr[k] = v
    if sform is not None:
        hdr.set_sform(sform, code=2)
    if slope is not None:
        hdr["scl_slope"] = slope
    if inter is not None:
        hdr["scl_inter"] = inter
    arr = values(dt, shape)
    path = f"{d}/{name}"
    write(path, hdr, arr, big, gz, extra)
    img = nib.load(path)
    data = np.asanyarray(img.dataobj)
    flat = data.ravel(order="F").astype(np.float64)
    n = flat.size
    idx = sorted({0, 1, n // 3, n // 2, n - 1, int(rng.integers(0, n))})
    return {
        "file": name,
        "shape": list(img.shape),
        "affine": img.affine.tolist(),
        "zooms": [float(z) for z in img.header.get_zooms()],
        "sum": float(flat.sum()),
        "idx": idx,
        "vals": [float(flat[i]) for i in idx],
        "dtype": str(data.dtype),
    }


def main():
    d = json.load(sys.stdin)["dir"]
    aff = rot_affine([0.8, 0.9, 2.5], 0.3, [-10.5, 20.25, 3.0])
    flip = rot_affine([1.5, 1.5, 4.0], -1.1, [1.0, 2.0, -3.0], flip=True)
    out = []
    dts = ["uint8", "int8", "int16", "uint16", "int32", "uint32", "float32", "float64"]
    for dt in dts:
        out.append(case(d, f"le_{dt}.nii", dt, sform=aff))
        out.append(case(d, f"be_{dt}.nii", dt, big=True, qform=flip))
    out += [
        case(d, "scaled_int16.nii", "int16", slope=0.5, inter=-100, sform=aff),
        case(d, "scaled_uint8_be.nii", "uint8", big=True, slope=2, inter=1, qform=aff),
        case(d, "scaled_float64.nii", "float64", slope=3, inter=0.25, sform=aff),
        case(d, "scaled_int32_be.nii.gz", "int32", big=True, gz=True, slope=0.001, inter=7),
        case(d, "slope_zero.nii", "int16", slope=0, inter=5, sform=aff),
        case(d, "slope_nan.nii", "int16", slope=float("nan"), inter=5, sform=aff),
        case(d, "gz_int16.nii.gz", "int16", gz=True, sform=aff),
        case(d, "gz_float32_be.nii.gz", "float32", big=True, gz=True, qform=flip),
        case(d, "n2_float32.nii", "float32", version=2, sform=aff),
        case(d, "n2_int16_be.nii", "int16", version=2, big=True, qform=flip, slope=1.5, inter=2),
        case(d, "n2_uint16.nii.gz", "uint16", version=2, gz=True, sform=aff),
        case(d, "four_d.nii", "float32", shape=(4, 3, 2, 5), sform=aff,
             pixdim=[1, 0.8, 0.9, 2.5, 2.0]),
        case(d, "four_d_n2_be.nii.gz", "int16", shape=(3, 3, 2, 4), version=2, big=True,
             gz=True, qform=aff),
        case(d, "qform_only_qfac_neg.nii", "int16", qform=flip),
        case(d, "qform_raw.nii", "uint8", pixdim=[-1, 2, 3, 4],
             raw_qform={"qform_code": 1, "quatern_b": 0.1, "quatern_c": -0.2,
                        "quatern_d": 0.3, "qoffset_x": 5, "qoffset_y": -6, "qoffset_z": 7}),
        case(d, "pixdim_only.nii", "int16", pixdim=[1, 1.25, 0.5, 3.0]),
        case(d, "pixdim_only_gz.nii.gz", "float32", shape=(6, 5, 4), gz=True,
             pixdim=[1, 2, 2, 2]),
        case(d, "sform_and_qform.nii", "int16", qform=flip, sform=aff),
        case(d, "vox_offset_400.nii", "int16", vox_offset=400, sform=aff),
        case(d, "two_d.nii", "float32", shape=(7, 6), pixdim=[1, 0.5, 0.25]),
        case(d, "trailing_bytes.nii.gz", "int16", gz=True, sform=aff, extra=b"\x01" * 5000),
        case(d, "neg_pixdim_qform.nii", "int16", pixdim=[1, -2, 3, -4],
             raw_qform={"qform_code": 1, "quatern_b": 0, "quatern_c": 0, "quatern_d": 1}),
    ]
    json.dump(out, sys.stdout)


main()
