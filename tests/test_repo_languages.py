"""Frameworks that live outside Python manifests, read end to end: a repository of each kind is
served in GitHub's API shape by the mirror, read by the GitHub reader and judged by the verdict
rules, as the repos stage and ``inspect --repos`` do."""

from __future__ import annotations

import json
from pathlib import Path

from fwcensus.demo.sites.github_site import write_repo
from fwcensus.plugins import fetch_settings
from fwcensus.repos.github import GitHubReader
from fwcensus.repos.links import parse_repo
from fwcensus.repos.verdict import RepoVerdict, repo_verdicts

from conftest import Serve

CAFFE_LAYERS = {
    "README.md": "# ROI align for Caffe\nCopy the files into your Caffe tree.\n",
    "include/caffe/layers/roi_align_layer.hpp": (
        "#ifndef CAFFE_ROI_ALIGN_LAYER_HPP_\n#define CAFFE_ROI_ALIGN_LAYER_HPP_\n\n"
        '#include <vector>\n#include "caffe/blob.hpp"\n#include "caffe/layer.hpp"\n'
    ),
    "src/caffe/layers/roi_align_layer.cpp": (
        '#include <cfloat>\n\n#include "caffe/layers/roi_align_layer.hpp"\n\nnamespace caffe {\n'
    ),
    "src/caffe/layers/roi_align_layer.cu": (
        '#include "caffe/layers/roi_align_layer.hpp"\n#include "caffe/util/gpu_util.cuh"\n'
    ),
    "examples/solver.prototxt": (
        'train_net: "examples/train.prototxt"\ntest_iter: 100\nbase_lr: 0.001\n'
        'lr_policy: "step"\nsolver_mode: GPU\n'
    ),
}
CAFFE2 = {
    "train.py": "from caffe2.python import core, workspace, model_helper\n",
    "utils/data.py": "from caffe2.python import brew\nimport numpy as np\n",
}
LUA_TORCH = {
    "stn-scm-1.rockspec": (
        'package = "stn"\nversion = "scm-1"\n\ndependencies = {\n   "torch >= 7.0",\n'
        '   "nn",\n}\n\nbuild = {\n   type = "command",\n}\n'
    ),
    "init.lua": "require 'nn'\nlocal stn = require 'stn.env'\n",
    "AffineGridGeneratorBHWD.lua": (
        "local AGG, parent = torch.class('nn.AffineGridGeneratorBHWD', 'nn.Module')\n"
    ),
    "demo/train.lua": "require 'dpnn'\nrequire 'cudnn'\nlocal optim = require('optim')\n",
}
MATCONVNET = {
    "setup.m": "run(fullfile(fileparts(mfilename('fullpath')), 'matconvnet', 'matlab',"
    " 'vl_setupnn.m')) ;\n",
    "cnn_seg_train.m": (
        "function [net, info] = cnn_seg_train(net, imdb, getBatch, varargin)\n"
        "% trains a segmentation network with vl_simplenn\n"
        "res = vl_simplenn(net, im, dzdy, res, 'mode', 'normal') ;\n"
    ),
    "models/fcn_init.m": "net = dagnn.DagNN() ;\nnet.addLayer('conv1', dagnn.Conv(), 'x', 'y') ;\n",
    "layers/vl_nnloss_weighted.m": "y = vl_nnsoftmaxloss(x, c) ;\n",
}
MATLAB_DL = {
    "train_classifier.m": (
        "layers = [\n    imageInputLayer([28 28 1])\n"
        "    convolution2dLayer(3, 8, 'Padding', 'same')\n    reluLayer\n"
        "    fullyConnectedLayer(10)\n    softmaxLayer\n"
        "    classificationLayer];\n"
        "options = trainingOptions('sgdm', 'MaxEpochs', 4);\n"
        "net = trainNetwork(imdsTrain, layers, options);\n"
    ),
    "custom_loop.m": (
        "dlnet = dlnetwork(lgraph);\n[loss, grad] = dlfeval(@modelGradients, dlnet, X);\n"
    ),
}
LIBTORCH = {
    "csrc/deform_conv.cpp": "#include <torch/extension.h>\n#include <ATen/ATen.h>\n",
    "csrc/deform_conv_cuda.cu": "#include <ATen/cuda/CUDAContext.h>\n#include <torch/types.h>\n",
    "app/main.cpp": '#include <torch/script.h>\n#include "tensorflow/core/public/session.h"\n',
}


def read(root: Path, serve: Serve, name: str, files: dict[str, str]) -> dict[str, RepoVerdict]:
    write_repo(root, "ada", name, files)
    settings = fetch_settings(mirror=serve(root).url, rate=0, attempts=2, backoff=0.01)
    with GitHubReader(settings, token="") as reader:
        snapshot = reader.read(parse_repo(f"https://github.com/ada/{name}"))  # type: ignore[arg-type]
    return {v.framework: v for v in repo_verdicts(snapshot.evidence())}


def evidence(verdict: RepoVerdict) -> set[tuple[str, str, int]]:
    return {(s.kind, s.file, s.line) for s in verdict.evidence}


def test_caffe_cpp_layers_and_solver(tmp_path: Path, serve: Serve) -> None:
    verdicts = read(tmp_path, serve, "roi-align-caffe", CAFFE_LAYERS)
    assert [(v.framework, v.role) for v in verdicts.values()] == [("caffe", "used")]
    found = evidence(verdicts["caffe"])
    assert {("include", "src/caffe/layers/roi_align_layer.cpp", 3),
            ("include", "src/caffe/layers/roi_align_layer.cu", 1),
            ("include", "include/caffe/layers/roi_align_layer.hpp", 5),
            ("prototxt", "examples/solver.prototxt", 1)} <= found  # fmt: skip
    [include] = [s for s in verdicts["caffe"].evidence if s.file.endswith(".cpp")]
    assert include.text == '#include "caffe/layers/roi_align_layer.hpp"'


def test_caffe2_python(tmp_path: Path, serve: Serve) -> None:
    verdicts = read(tmp_path, serve, "c2-net", CAFFE2)
    assert (verdicts["caffe2"].role, len(verdicts)) == ("used", 1)
    assert ("import", "train.py", 1) in evidence(verdicts["caffe2"])


def test_lua_torch_requires_and_rockspec(tmp_path: Path, serve: Serve) -> None:
    verdicts = read(tmp_path, serve, "stn", LUA_TORCH)
    assert [(v.framework, v.role) for v in verdicts.values()] == [("lua-torch", "used")]
    found = evidence(verdicts["lua-torch"])
    assert ("requirement", "stn-scm-1.rockspec", 5) in found  # "torch >= 7.0"
    assert ("lua-require", "init.lua", 1) in found
    assert ("lua-require", "demo/train.lua", 1) in found  # dpnn: a Torch package too


def test_matconvnet(tmp_path: Path, serve: Serve) -> None:
    verdicts = read(tmp_path, serve, "fcn-matlab", MATCONVNET)
    assert [(v.framework, v.role) for v in verdicts.values()] == [("matconvnet", "used")]
    found = evidence(verdicts["matconvnet"])
    assert {("matlab-call", "setup.m", 1), ("matlab-call", "cnn_seg_train.m", 3),
            ("matlab-call", "models/fcn_init.m", 1),
            ("matlab-call", "layers/vl_nnloss_weighted.m", 1)} == found  # fmt: skip
    # the comment on line 2 names vl_simplenn too; the call on line 3 is the evidence


def test_matlab_deep_learning_toolbox(tmp_path: Path, serve: Serve) -> None:
    verdicts = read(tmp_path, serve, "digits", MATLAB_DL)
    assert [(v.framework, v.role) for v in verdicts.values()] == [("matlab-dl", "used")]
    texts = {s.file: s.text for s in verdicts["matlab-dl"].evidence}
    assert texts["train_classifier.m"] == "imageInputLayer([28 28 1])"
    assert texts["custom_loop.m"].startswith("dlnet = dlnetwork(lgraph)")


def test_cpp_includes_of_libtorch_and_tensorflow(tmp_path: Path, serve: Serve) -> None:
    verdicts = read(tmp_path, serve, "dcn", LIBTORCH)
    assert (verdicts["pytorch"].role, verdicts["tensorflow"].role) == ("used", "minor")
    assert ("include", "csrc/deform_conv.cpp", 1) in evidence(verdicts["pytorch"])
    assert evidence(verdicts["tensorflow"]) == {("include", "app/main.cpp", 2)}


def test_conda_channels_dockerfile_args_and_notebook_installs(tmp_path: Path, serve: Serve) -> None:
    notebook = {"cells": [{"cell_type": "code", "source": ["!pip install -q jax[cuda]==0.4.1\n"]}]}
    files = {
        # The pytorch channel is where packages come from, not a package: TensorFlow is used.
        "environment.yml": (
            "name: seg\nchannels:\n  - pytorch\n  - conda-forge\ndependencies:\n"
            "  - python=3.8\n  - conda-forge::tensorflow-gpu=2.4\n  - pip:\n"
            "    - keras==2.4.3\n"
        ),
        # The base image comes through an ARG; a later stage builds on the first by its name.
        "docker/Dockerfile": (
            "ARG BASE_IMAGE=nvcr.io/nvidia/mxnet:20.12-py3\nFROM ${BASE_IMAGE} AS build\n"
            "RUN pip install --no-cache-dir \\\n    numpy \\\n    paddlepaddle-gpu==2.0.0\n"
            "FROM build\n"
        ),
        "demo.ipynb": json.dumps(notebook),
    }
    verdicts = read(tmp_path, serve, "mixed", files)
    assert "pytorch" not in verdicts
    found = {fw: evidence(v) for fw, v in verdicts.items()}
    assert found["tensorflow"] == {("requirement", "environment.yml", 7)}
    assert found["keras"] == {("requirement", "environment.yml", 9)}
    assert found["mxnet"] == {("docker", "docker/Dockerfile", 2)}
    assert found["paddlepaddle"] == {("requirement", "docker/Dockerfile", 5)}
    assert found["jax"] == {("requirement", "demo.ipynb", 1)}
    [image] = verdicts["mxnet"].evidence
    assert image.text == "FROM ${BASE_IMAGE} AS build (nvcr.io/nvidia/mxnet:20.12-py3)"
