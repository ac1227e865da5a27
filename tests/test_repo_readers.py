"""Each repository reader on its own: what it recognises, what it must leave alone, and the
verdict rules that weigh what they find."""

from __future__ import annotations

from fwcensus.repos.evidence import evidence_from_file, file_kind, read_file
from fwcensus.repos.github import choose_files
from fwcensus.repos.installs import install_specs
from fwcensus.repos.verdict import repo_verdicts


def found(path: str, text: str) -> list[tuple[str, str, int]]:
    return [(s.framework, s.kind, s.line) for s in evidence_from_file(path, text.encode())]


def test_install_commands_name_their_packages_only() -> None:
    assert install_specs("apt-get update && pip install --no-cache-dir -r req.txt torch==1.8") == [
        "torch==1.8"
    ]
    assert install_specs("conda install -y -c pytorch pytorch torchvision cudatoolkit=11.3") == [
        "pytorch", "torchvision", "cudatoolkit=11.3"]  # fmt: skip
    assert install_specs("python3 -m pip install 'jax[cuda]>=0.4' -f https://x/jax.html") == [
        "jax[cuda]>=0.4"
    ]
    assert install_specs("/opt/conda/bin/pip install -e . git+https://github.com/a/b $EXTRA") == []
    assert install_specs("echo pip install torch | tee log") == []  # echo is not pip


def test_dockerfile_platform_defaults_stages_and_comments() -> None:
    text = (
        "ARG TAG\n"
        "FROM --platform=linux/amd64 ${REGISTRY:-docker.io}/tensorflow/tensorflow:${TAG} AS base\n"
        "FROM base AS final\n"
        "RUN pip install \\\n"
        "# a comment inside the instruction, as Docker allows\n"
        "    jax==0.4.1\n"
    )
    assert found("Dockerfile", text) == [("tensorflow", "docker", 2), ("jax", "requirement", 6)]
    [image] = evidence_from_file("Dockerfile", text.encode())[:1]
    assert image.text.endswith("(docker.io/tensorflow/tensorflow:)")
    assert found("Dockerfile.gpu", "FROM ubuntu:20.04\nRUN apt-get install -y python3\n") == []


def test_prototxt_keys_and_files_that_only_look_like_caffe() -> None:
    assert found("deploy.prototxt", 'name: "VGG"\ninput: "data"\ninput_dim: 1\n') == [
        ("caffe", "prototxt", 2)
    ]
    assert found("solver.prototxt", 'test_net: "a"\n') == [("caffe", "prototxt", 1)]
    # SSD's label map is a prototxt too, but no net or solver
    assert found("labelmap_voc.prototxt", 'item {\n  name: "cat"\n  label: 8\n}\n') == []


def test_matlab_comments_other_vlfeat_functions_and_objective_c() -> None:
    text = (
        "% run vl_simplenn first\n%{\nres = vl_simplenn(net, im);\n%}\n"
        "frames = vl_sift(single(im));  % vl_nnconv is not called here\n"
        "fprintf('%d done\\n', vl_nnconv(x, w, b));\n"
    )
    assert found("demo.m", text) == [("matconvnet", "matlab-call", 6)]
    assert found("AppDelegate.m", '#import "AppDelegate.h"\n@implementation AppDelegate\n') == []


def test_lua_torch_names_come_from_the_catalogue() -> None:
    assert found("a.lua", "local image = require 'image'\nlocal json = require('cjson')\n") == []
    assert found("a.lua", 'require "nngraph"\n') == [("lua-torch", "lua-require", 1)]
    rockspec = 'dependencies = { "lua >= 5.1", "penlight" }\n'
    assert found("x-scm-1.rockspec", rockspec) == []


def test_c_family_includes() -> None:
    text = '#include <vector>\n#  include "caffe2/core/operator.h"\n#include <TH/TH.h>\n'
    assert found("op.cc", text) == [("caffe2", "include", 2)]  # TH: Lua Torch or old PyTorch
    assert found("x.hpp", '#include "caffeine/x.h"\n') == []


def test_file_kinds_and_reading_order() -> None:
    kinds = {p: file_kind(p) for p in ("a/Net.M", "b.cuh", "c.rockspec", "d.cc", "e.txt")}
    assert kinds == {"a/Net.M": "matlab", "b.cuh": "c_family", "c.rockspec": "rockspec",
                     "d.cc": "c_family", "e.txt": None}  # fmt: skip
    blobs = [("src/op.cu", 10), ("train.py", 10), ("init.lua", 10), ("x.rockspec", 10),
             ("requirements.txt", 10), ("nets/a.prototxt", 10)]  # fmt: skip
    order = ["requirements.txt", "x.rockspec", "init.lua", "nets/a.prototxt", "train.py",
             "src/op.cu"]  # fmt: skip
    assert [p for p, _ in choose_files(blobs)] == order


def verdicts(files: dict[str, str]) -> dict[str, str]:
    signals = [s for p, t in files.items() for s in evidence_from_file(p, t.encode())]
    return {v.framework: v.role for v in repo_verdicts(signals)}


def test_a_prototxt_beside_a_declared_framework_is_minor() -> None:
    face = {"models/deploy.prototxt": 'input: "data"\nlayer {\n', "demo.py": "import cv2\n"}
    assert verdicts(face) == {"caffe": "used"}
    assert verdicts({**face, "requirements.txt": "torch\n"}) == {
        "pytorch": "used", "caffe": "minor"}  # fmt: skip
    with_code = {**face, "requirements.txt": "torch\n", "a.py": "import caffe\n",
                 "b.py": "import caffe\n"}  # fmt: skip
    assert verdicts(with_code) == {"pytorch": "used", "caffe": "used"}


def test_one_file_using_a_framework_beside_a_declared_one_is_minor() -> None:
    files = {"requirements.txt": "tensorflow==2.4\n", "tools/convert.py": "import torch\n"}
    assert verdicts(files) == {"tensorflow": "used", "pytorch": "minor"}
    assert verdicts({"tools/convert.py": "import torch\n"}) == {"pytorch": "used"}
    two = {**files, "tools/check.py": "import torch\n"}
    assert verdicts(two) == {"tensorflow": "used", "pytorch": "used"}


def declared(path: str, text: str) -> list[tuple[str, int]]:
    return [(d.package, d.line) for d in read_file(path, text.encode())[1]]


def test_runtime_dependencies_the_catalogue_lacks_are_declared() -> None:
    assert declared("requirements.txt", "numpy\ntorch\n-r dev.txt\nquokkagpt==0.4  # tuning\n") == [
        ("numpy", 1), ("quokkagpt", 4)]  # fmt: skip
    setup = (
        "from setuptools import setup\nREQUIRED = ['quokkagpt>=0.4', 'numpy']\n"
        "setup(name='x', version='1.0', description='utf-8', install_requires=REQUIRED,\n"
        "      extras_require={'dev': ['pytest']})\n"
    )
    assert declared("setup.py", setup) == [("quokkagpt", 2), ("numpy", 2)]
    pyproject = (
        '[project]\nname = "x"\ndependencies = ["quokkagpt"]\n'
        '[project.optional-dependencies]\ndev = ["pytest"]\n'
        '[tool.poetry.dependencies]\npython = "^3.10"\nslothtune = "*"\n'
    )
    assert declared("pyproject.toml", pyproject) == [("quokkagpt", 3), ("slothtune", 8)]
    conda = "dependencies:\n  - cudatoolkit=11.3\n  - pip:\n    - quokkagpt\n  - ffmpeg\n"
    assert declared("environment.yml", conda) == [("quokkagpt", 4)]
    assert declared("poetry.lock", '[[package]]\nname = "quokkagpt"\n') == []
    docker = "FROM python:3.11\nRUN pip install quokkagpt && apt-get -y x\n"
    assert declared("Dockerfile", docker) == [("quokkagpt", 2)]
    cfg = "[options]\ninstall_requires =\n    quokkagpt\ntests_require =\n    pytest\n"
    assert declared("setup.cfg", cfg) == [("quokkagpt", 3)]
