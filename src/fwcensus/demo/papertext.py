"""Generate the text of a plausible computer-vision paper whose framework content is known.

A ``Usage`` says which frameworks the authors used, which they only name in the related work,
and which appear only in the references. Each framework gets exactly one of these roles, the
strongest one. Spellings vary as in real papers ("PyTorch", "pytorch", "Tensorflow", "TF 2.4");
"TF" and "Torch7" are there on purpose: neither contains "tensorflow" or "pytorch".
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from fwcensus.demo.pdfgen import PaperDoc

FRAMEWORKS = ("pytorch", "tensorflow", "caffe", "torch7", "keras", "mxnet", "jax")


@dataclass(frozen=True)
class Usage:
    """The role of each framework in one paper; a framework is in at most one tuple."""

    used: tuple[str, ...] = ()
    mentioned: tuple[str, ...] = ()  # named in the body, e.g. in related work, but not used
    cited: tuple[str, ...] = ()  # only in the references list

    def __post_init__(self) -> None:
        roles = [*self.used, *self.mentioned, *self.cited]
        unknown = set(roles) - set(FRAMEWORKS)
        if unknown:
            raise ValueError(f"unknown frameworks {sorted(unknown)}; known: {FRAMEWORKS}")
        if len(roles) != len(set(roles)):
            raise ValueError(f"a framework has more than one role in {self}")


# The references a paper cites for each framework (real, well-known entries).
FRAMEWORK_REFERENCES: dict[str, tuple[str, ...]] = {
    "pytorch": (
        "A. Paszke, S. Gross, S. Chintala, G. Chanan, E. Yang, Z. DeVito, Z. Lin, A. Desmaison, "
        "L. Antiga, and A. Lerer. Automatic differentiation in PyTorch. In NIPS Workshop, 2017.",
        "A. Paszke, S. Gross, F. Massa, A. Lerer, J. Bradbury, G. Chanan, et al. PyTorch: An "
        "imperative style, high-performance deep learning library. In NeurIPS, 2019.",
    ),
    "tensorflow": (
        "M. Abadi et al. TensorFlow: Large-scale machine learning on heterogeneous systems, "
        "2015. Software available from tensorflow.org.",
        "M. Abadi, P. Barham, J. Chen, Z. Chen, A. Davis, J. Dean, M. Devin, S. Ghemawat, "
        "G. Irving, M. Isard, et al. Tensorflow: A system for large-scale machine learning. "
        "In OSDI, 2016.",
    ),
    "caffe": (
        "Y. Jia, E. Shelhamer, J. Donahue, S. Karayev, J. Long, R. Girshick, S. Guadarrama, "
        "and T. Darrell. Caffe: Convolutional architecture for fast feature embedding. "
        "In ACM MM, 2014.",
    ),
    "torch7": (
        "R. Collobert, K. Kavukcuoglu, and C. Farabet. Torch7: A Matlab-like environment for "
        "machine learning. In BigLearn, NIPS Workshop, 2011.",
    ),
    "keras": ("F. Chollet et al. Keras. https://keras.io, 2015.",),
    "mxnet": (
        "T. Chen, M. Li, Y. Li, M. Lin, N. Wang, M. Wang, T. Xiao, B. Xu, C. Zhang, and "
        "Z. Zhang. MXNet: A flexible and efficient machine learning library for heterogeneous "
        "distributed systems. arXiv preprint arXiv:1512.01274, 2015.",
    ),
    "jax": (
        "J. Bradbury, R. Frostig, P. Hawkins, M. J. Johnson, C. Leary, D. Maclaurin, G. Necula, "
        "A. Paszke, J. VanderPlas, S. Wanderman-Milne, and Q. Zhang. JAX: composable "
        "transformations of Python+NumPy programs, 2018.",
    ),
}

# How a framework is named in running text.
SPELLINGS: dict[str, tuple[str, ...]] = {
    "pytorch": ("PyTorch", "PyTorch", "PyTorch", "Pytorch", "pytorch"),
    "tensorflow": ("TensorFlow", "TensorFlow", "TensorFlow", "Tensorflow", "tensorflow"),
    "caffe": ("Caffe",),
    "torch7": ("Torch7", "Torch"),
    "keras": ("Keras",),
    "mxnet": ("MXNet",),
    "jax": ("JAX",),
}

# Versions current in each era, so a 2023 paper does not use TensorFlow 1.4.
VERSIONS: dict[str, dict[int, tuple[str, ...]]] = {
    "pytorch": {2019: ("0.4", "0.4.1", "1.0", "1.1"), 2021: ("1.6", "1.7", "1.8"),
                2023: ("1.12", "1.13", "2.0")},
    "tensorflow": {2019: ("1.10", "1.12", "1.13"), 2021: ("2.3", "2.4"), 2023: ("2.9", "2.11")},
}  # fmt: skip

# Sentences stating use; {name} {ver} {cite} {hw} are filled in. "{tf}" is the bare "TF".
USE_SENTENCES: dict[str, tuple[str, ...]] = {
    "pytorch": (
        "We implement our network in {name} {ver}{cite} and train it on {hw}.",
        "All models are implemented in {name}{cite} and trained on {hw}.",
        "Our implementation is based on {name}{cite}; training takes about {hours} hours on {hw}.",
        "The code is written in {name} {ver} and builds on the torchvision model zoo.",
    ),
    "tensorflow": (
        "Our model is built with {name} {ver}{cite} and trained on {hw}.",
        "We implement the proposed method using {name}{cite} and train it on {hw}.",
        "All experiments are run in {name} {ver} with mixed precision on {hw}.",
    ),
    "caffe": (
        "The network is implemented in {name}{cite} and trained on {hw}.",
        "We use the {name}{cite} framework and initialize from the released ImageNet models.",
    ),
    "torch7": (
        "We use {name}{cite} to implement our networks and train them on {hw}.",
        "All networks are trained with the Lua {name} framework{cite} on {hw}.",
    ),
    "keras": ("Our model is implemented in {name}{cite} and trained on {hw}.",),
    "mxnet": (
        "We implement our method in {name}{cite} and train it on {hw}.",
        "Training is done with {name}{cite} (Gluon API) on {hw} with synchronized batch norm.",
    ),
    "jax": (
        "Our model is implemented in {name}{cite} with Flax and trained on {hw}.",
        "We write the training loop in {name}{cite} and run it on {hw}.",
    ),
}
TF_ONLY_SENTENCE = "We use TF {ver} for all experiments and train on {hw}."
SECOND_USE_SENTENCE = (
    "For a fair comparison, the baselines are re-implemented in {name}{cite} from the "
    "authors' released code."
)

MENTION_SENTENCES = (
    "Unlike pipelines built on {name} [{n}], our approach needs no hand-written gradient code.",
    "Static computation graphs, as in {name} [{n}], make such dynamic routing hard to express.",
    "Toolkits such as {name} [{n}] ship reference implementations of these detectors.",
    "Several of these models were only released for {name} [{n}], which complicates comparison.",
)

HARDWARE = {
    2019: ("four GPUs", "a single NVIDIA Titan Xp GPU", "8 NVIDIA Tesla V100 GPUs",
           "two GTX 1080 Ti GPUs"),
    2021: ("8 NVIDIA V100 GPUs", "four RTX 3090 GPUs", "a single NVIDIA A100 GPU",
           "TPU v3 pods"),
    2023: ("8 NVIDIA A100 GPUs", "four A6000 GPUs", "64 TPU v4 chips", "a single RTX 4090 GPU"),
}  # fmt: skip

TASKS = (
    "semantic segmentation", "object detection", "monocular depth estimation",
    "person re-identification", "optical flow estimation", "image super-resolution",
    "video object segmentation", "3D human pose estimation", "point cloud registration",
    "few-shot classification", "visual question answering", "image deblurring",
    "instance segmentation", "scene text recognition", "unsupervised domain adaptation",
    "novel view synthesis", "image captioning", "action recognition", "stereo matching",
    "face anti-spoofing", "panoptic segmentation", "multi-object tracking",
)  # fmt: skip
CONCEPTS = {
    2019: ("Graph Reasoning", "Attention Maps", "Adversarial Features", "Capsule Routing",
           "Deformable Convolutions", "Spatial Pyramids", "Metric Embeddings"),
    2021: ("Contrastive Priors", "Implicit Surfaces", "Vision Transformers", "Dynamic Kernels",
           "Self-Supervised Features", "Neural Radiance Fields", "Cross-Modal Distillation"),
    2023: ("Diffusion Priors", "Masked Autoencoders", "Prompt Tokens", "Neural Radiance Fields",
           "Foundation Features", "Sparse Voxel Transformers", "Language Guidance"),
}  # fmt: skip
ADJECTIVES = (
    "Robust", "Efficient", "Scalable", "Unsupervised", "Weakly-Supervised", "Real-Time",
    "Uncertainty-Aware", "Occlusion-Aware", "Generalizable", "Lightweight", "Hierarchical",
)  # fmt: skip
ACRONYM_PARTS = (
    "Pose", "Flow", "Seg", "Point", "Mesh", "Vox", "Depth", "Track", "Fuse", "Dense", "Graph",
    "Scene", "Edge", "Light",
)  # fmt: skip
ACRONYM_TAILS = ("Net", "Former", "GAN", "Fusion", "Match", "Diff", "NeRF")

FIRST_NAMES = (
    "Wei", "Xiaolong", "Yuxin", "Jingwen", "Haozhe", "Ziwei", "Min-Jun", "Seung-Hoon", "Hiroshi",
    "Yuki", "Priya", "Arjun", "Ananya", "Olga", "Dmitry", "Anna", "Lukas", "Jörg", "Björn",
    "Sofía", "José", "Camille", "Étienne", "Marco", "Giulia", "Emily", "Daniel", "Michael",
    "Sarah", "Kevin", "Ahmed", "Fatima", "Noah", "Chen", "Li", "Tomás", "Zoë", "Mehdi",
)  # fmt: skip
LAST_NAMES = (
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Wu", "Zhou", "Kim", "Park",
    "Lee", "Tanaka", "Sato", "Sharma", "Gupta", "Ivanova", "Petrov", "Müller", "Schöps",
    "García", "Pérez", "Dubois", "Rossi", "Smith", "Johnson", "Brown", "Nguyen", "Hassan",
    "Fischer", "Novak", "Andersson", "Costa", "Khan", "Larsen", "Kowalski", "Ortiz",
)  # fmt: skip
AFFILIATIONS = (
    "Tsinghua University", "Peking University", "The Chinese University of Hong Kong",
    "National University of Singapore", "Seoul National University", "KAIST",
    "The University of Tokyo", "IIT Bombay", "ETH Zurich", "Max Planck Institute for Informatics",
    "University of Oxford", "INRIA", "Technical University of Munich", "University of Amsterdam",
    "Carnegie Mellon University", "Stanford University", "UC Berkeley", "MIT CSAIL",
    "University of Toronto", "Google Research", "Meta AI", "Microsoft Research Asia",
    "NVIDIA", "SenseTime Research", "Adobe Research",
)  # fmt: skip
DATASETS = (
    "ImageNet", "COCO", "Cityscapes", "PASCAL VOC", "KITTI", "ScanNet", "ADE20K", "NYU Depth v2",
    "Market-1501", "DAVIS 2017", "Kinetics-400", "ShapeNet", "Human3.6M", "LLFF",
)  # fmt: skip

# Well-known non-framework references; none names a framework.
GENERIC_REFERENCES = (
    "K. He, X. Zhang, S. Ren, and J. Sun. Deep residual learning for image recognition. "
    "In CVPR, 2016.",
    "J. Deng, W. Dong, R. Socher, L.-J. Li, K. Li, and L. Fei-Fei. ImageNet: A large-scale "
    "hierarchical image database. In CVPR, 2009.",
    "T.-Y. Lin, M. Maire, S. Belongie, J. Hays, P. Perona, D. Ramanan, P. Dollár, and "
    "C. L. Zitnick. Microsoft COCO: Common objects in context. In ECCV, 2014.",
    "D. P. Kingma and J. Ba. Adam: A method for stochastic optimization. In ICLR, 2015.",
    "S. Ren, K. He, R. Girshick, and J. Sun. Faster R-CNN: Towards real-time object detection "
    "with region proposal networks. In NIPS, 2015.",
    "K. Simonyan and A. Zisserman. Very deep convolutional networks for large-scale image "
    "recognition. In ICLR, 2015.",
    "O. Ronneberger, P. Fischer, and T. Brox. U-Net: Convolutional networks for biomedical "
    "image segmentation. In MICCAI, 2015.",
    "J. Long, E. Shelhamer, and T. Darrell. Fully convolutional networks for semantic "
    "segmentation. In CVPR, 2015.",
    "K. He, G. Gkioxari, P. Dollár, and R. Girshick. Mask R-CNN. In ICCV, 2017.",
    "A. Vaswani, N. Shazeer, N. Parmar, J. Uszkoreit, L. Jones, A. N. Gomez, L. Kaiser, and "
    "I. Polosukhin. Attention is all you need. In NIPS, 2017.",
    "I. Goodfellow, J. Pouget-Abadie, M. Mirza, B. Xu, D. Warde-Farley, S. Ozair, A. Courville, "
    "and Y. Bengio. Generative adversarial nets. In NIPS, 2014.",
    "L.-C. Chen, G. Papandreou, I. Kokkinos, K. Murphy, and A. L. Yuille. DeepLab: Semantic "
    "image segmentation with deep convolutional nets, atrous convolution, and fully connected "
    "CRFs. TPAMI, 2018.",
    "S. Ioffe and C. Szegedy. Batch normalization: Accelerating deep network training by "
    "reducing internal covariate shift. In ICML, 2015.",
    "M. Cordts, M. Omran, S. Ramos, T. Rehfeld, M. Enzweiler, R. Benenson, U. Franke, S. Roth, "
    "and B. Schiele. The Cityscapes dataset for semantic urban scene understanding. "
    "In CVPR, 2016.",
    "A. Geiger, P. Lenz, and R. Urtasun. Are we ready for autonomous driving? The KITTI vision "
    "benchmark suite. In CVPR, 2012.",
    "A. Dosovitskiy, L. Beyer, A. Kolesnikov, D. Weissenborn, X. Zhai, T. Unterthiner, et al. "
    "An image is worth 16x16 words: Transformers for image recognition at scale. In ICLR, 2021.",
    "B. Mildenhall, P. P. Srinivasan, M. Tancik, J. T. Barron, R. Ramamoorthi, and R. Ng. "
    "NeRF: Representing scenes as neural radiance fields for view synthesis. In ECCV, 2020.",
    "T. Chen, S. Kornblith, M. Norouzi, and G. Hinton. A simple framework for contrastive "
    "learning of visual representations. In ICML, 2020.",
    "K. He, X. Chen, S. Xie, Y. Li, P. Dollár, and R. Girshick. Masked autoencoders are "
    "scalable vision learners. In CVPR, 2022.",
    "J. Ho, A. Jain, and P. Abbeel. Denoising diffusion probabilistic models. In NeurIPS, 2020.",
    "C. R. Qi, H. Su, K. Mo, and L. J. Guibas. PointNet: Deep learning on point sets for 3D "
    "classification and segmentation. In CVPR, 2017.",
    "D. Sun, X. Yang, M.-Y. Liu, and J. Kautz. PWC-Net: CNNs for optical flow using pyramid, "
    "warping, and cost volume. In CVPR, 2018.",
    "Z. Liu, Y. Lin, Y. Cao, H. Hu, Y. Wei, Z. Zhang, S. Lin, and B. Guo. Swin Transformer: "
    "Hierarchical vision transformer using shifted windows. In ICCV, 2021.",
)
MIN_REFERENCES = 10
MAX_REFERENCES = 20


@dataclass(frozen=True)
class Topic:
    """What a paper is about; the title and every section talk about the same thing."""

    task: str  # "semantic segmentation"
    method: str  # the name the paper gives its model, "PoseFormer"
    concept: str  # "Graph Reasoning"


def make_topic(rng: random.Random, year: int) -> Topic:
    return Topic(rng.choice(TASKS), _acronym(rng), rng.choice(_era(CONCEPTS, year)))


def make_title(rng: random.Random, topic: Topic, markup_chars: bool = False) -> str:
    """A title in one of the shapes CVF titles take ("Learning X for Y", "Name: ...").

    ``markup_chars`` forces a title holding both "&" and "<", which listings must escape.
    """
    task = _title_case(topic.task)
    adjective = rng.choice(ADJECTIVES)
    if markup_chars:
        return f"{topic.method}: {topic.concept} & {adjective} {task} in <{rng.randint(5, 30)} ms"
    shapes = (
        f"Learning {topic.concept} for {adjective} {task}",
        f"{topic.method}: {adjective} {topic.concept} for {task}",
        f"Towards {adjective} {task} via {topic.concept}",
        f"Rethinking {topic.concept} in {task}",
        f"{topic.method}: Joint {topic.concept} & Context Modelling for {task}",
    )
    return rng.choice(shapes)


def _title_case(phrase: str) -> str:
    # CVF capitalises every part of a hyphenated word ("Re-Identification") and keeps "3D".
    return " ".join(
        "-".join(part[:1].upper() + part[1:] for part in word.split("-")) for word in phrase.split()
    )


def _acronym(rng: random.Random) -> str:
    return rng.choice(ACRONYM_PARTS) + rng.choice(ACRONYM_TAILS)


def _era(table: Mapping[int, tuple[str, ...]], year: int) -> tuple[str, ...]:
    """The entry for the latest era not after ``year``."""
    eras = [era for era in sorted(table) if era <= year] or [min(table)]
    return table[eras[-1]]


def make_authors(rng: random.Random) -> list[str]:
    """Two to seven distinct "First Last" names."""
    names: list[str] = []
    count = rng.randint(2, 7)
    while len(names) < count:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in names:
            names.append(name)
    return names


def make_paper(
    rng: random.Random,
    usage: Usage,
    year: int,
    topic: Topic,
    title: str,
    authors: Sequence[str],
    watermark: str | None = None,
) -> PaperDoc:
    """The full text of one paper with exactly the framework content ``usage`` describes."""
    refs = _References(rng, usage)
    sections = [
        ("Introduction", _introduction(rng, refs, topic)),
        ("Related Work", _related_work(rng, refs, topic, usage)),
        ("Method", _method(rng, topic)),
        ("Experiments", _experiments(rng, refs, topic, year, usage)),
        ("Conclusion", [_conclusion(topic)]),
    ]
    return PaperDoc(
        title=title,
        authors=list(authors),
        affiliations=rng.sample(AFFILIATIONS, rng.randint(1, 3)),
        abstract=_abstract(rng, topic),
        sections=sections,
        references=refs.entries,
        footnotes=_footnotes(rng, authors, usage),
        watermark=watermark,
    )


def paper_text(doc: PaperDoc) -> str:
    """Every string the PDF renderer prints for ``doc``, for checking what a reader can find."""
    parts: list[str] = [doc.watermark or "", doc.title, *doc.authors, *doc.affiliations]
    parts += [doc.abstract, *doc.footnotes, *doc.references]
    for heading, paragraphs in doc.sections:
        parts += [heading, *paragraphs]
    return "\n".join(parts)


class _References:
    """The references list, sorted by first author as CVF papers number them."""

    def __init__(self, rng: random.Random, usage: Usage) -> None:
        cited_frameworks = [*usage.used, *usage.mentioned, *usage.cited]
        self.framework_entry = {fw: rng.choice(FRAMEWORK_REFERENCES[fw]) for fw in cited_frameworks}
        generic_count = rng.randint(MIN_REFERENCES, MAX_REFERENCES) - len(cited_frameworks)
        generic = rng.sample(GENERIC_REFERENCES, max(generic_count, 0))
        self.entries = sorted([*generic, *self.framework_entry.values()])
        self.generic_numbers = [self.entries.index(entry) + 1 for entry in generic]
        self._rng = rng

    def number(self, framework: str) -> int:
        return self.entries.index(self.framework_entry[framework]) + 1

    def some(self) -> str:
        """A citation of one to three generic references, e.g. "[3, 11]"."""
        picks = self._rng.sample(self.generic_numbers, self._rng.randint(1, 3))
        return "[" + ", ".join(str(n) for n in sorted(picks)) + "]"


def _abstract(rng: random.Random, topic: Topic) -> str:
    task, method, concept = topic.task, topic.method, topic.concept.lower()
    opening = rng.choice(
        (
            f"{task[:1].upper()}{task[1:]} remains challenging when training data is scarce.",
            f"Existing approaches to {task} struggle with occlusion and clutter.",
            f"Recent progress in {task} relies on ever larger labelled datasets.",
        )
    )
    return " ".join(
        (
            opening,
            f"In this paper, we propose {method}, which exploits {concept} to close this gap.",
            "Our key insight is that local evidence and global context are complementary, "
            "and we model both in a single end-to-end trainable network.",
            f"Extensive experiments show that {method} outperforms the state of the art by "
            f"{rng.randint(2, 9)}.{rng.randint(0, 9)}% while running at {rng.randint(12, 90)} fps.",
            "Code and models will be made publicly available.",
        )
    )


def _introduction(rng: random.Random, refs: _References, topic: Topic) -> list[str]:
    task, method, concept = topic.task, topic.method, topic.concept.lower()
    return [
        f"The task of {task} is a core problem in computer vision {refs.some()}, with "
        "applications in robotics, autonomous driving and augmented reality. Deep "
        f"convolutional networks {refs.some()} have pushed accuracy forward, yet they still "
        "fail on rare configurations that are under-represented in the training data.",
        f"We argue that modelling {concept} provides the missing inductive bias. Building on "
        f"this observation, we introduce {method}, a model that learns {concept} jointly with "
        f"the task objective. Unlike prior work {refs.some()}, it requires no extra annotation.",
        "Our contributions are threefold: (1) a new formulation of the problem, (2) an "
        f"efficient architecture that realises it, and (3) a thorough evaluation on "
        f"{rng.randint(2, 4)} public benchmarks, where we set a new state of the art.",
    ]


def _related_work(rng: random.Random, refs: _References, topic: Topic, usage: Usage) -> list[str]:
    paragraphs = [
        f"Early methods for {topic.task} relied on hand-crafted features and graphical models "
        f"{refs.some()}. The success of deep networks {refs.some()} shifted the field towards "
        "end-to-end learning, and most recent methods build on encoder-decoder designs.",
        f"Attention and context modelling {refs.some()} have been explored extensively. "
        "Our work differs in that context is inferred rather than given, which makes it "
        "applicable to settings without dense supervision.",
    ]
    mentions = [
        rng.choice(MENTION_SENTENCES).format(name=_spell(rng, fw), n=refs.number(fw))
        for fw in usage.mentioned
    ]
    if mentions:
        paragraphs.append(
            f"Software support matters for reproducibility {refs.some()}. " + " ".join(mentions)
        )
    return paragraphs


def _method(rng: random.Random, topic: Topic) -> list[str]:
    method, concept = topic.method, topic.concept.lower()
    return [
        f"Given an input image I, {method} first extracts a feature map F with a shared "
        f"backbone. A lightweight head then predicts an embedding of {concept}, C = g(F), "
        "which modulates the features through a gated residual connection.",
        "We train the network with the sum of a task loss and a consistency term weighted by "
        f"lambda = {rng.choice(('0.1', '0.5', '1.0'))}. The consistency term encourages "
        "predictions from two augmented views to agree, which stabilises training.",
        "At inference time the auxiliary branch is dropped, so the model adds no cost over the "
        "backbone beyond the gating layers.",
    ]


def _experiments(
    rng: random.Random, refs: _References, topic: Topic, year: int, usage: Usage
) -> list[str]:
    datasets = rng.sample(DATASETS, 2)
    details = (
        f"Implementation details. We train for {rng.choice((30, 60, 90, 120))} epochs with a "
        f"batch size of {rng.choice((8, 16, 32, 64))} and an initial learning rate of "
        f"{rng.choice(('1e-3', '5e-4', '1e-4'))}, decayed with a cosine schedule. Inputs are "
        f"resized to {rng.choice((256, 384, 512))} pixels."
    )
    use = _use_sentences(rng, refs, year, usage.used)
    return [
        f"Datasets. We evaluate on {datasets[0]} and {datasets[1]} {refs.some()}, following the "
        f"standard splits for {topic.task}.",
        " ".join([details, *use]),
        f"Results. {topic.method} improves over the strongest baseline on both datasets, and "
        "the ablation study confirms that each component contributes to the final accuracy.",
    ]


def _use_sentences(
    rng: random.Random, refs: _References, year: int, used: Sequence[str]
) -> list[str]:
    sentences: list[str] = []
    for position, framework in enumerate(used):
        cite = f" [{refs.number(framework)}]" if rng.random() < 0.5 else ""
        name = _spell(rng, framework)
        if position == 0:
            template = rng.choice(USE_SENTENCES[framework])
            # Papers of the TF 2 era sometimes only write "TF", which no substring search finds.
            if framework == "tensorflow" and year >= 2021 and rng.random() < 0.2:
                template = TF_ONLY_SENTENCE
        else:
            template = SECOND_USE_SENTENCE
        versions = _era(VERSIONS[framework], year) if framework in VERSIONS else ("",)
        sentences.append(
            template.format(
                name=name,
                ver=rng.choice(versions),
                cite=cite,
                hw=rng.choice(_era(HARDWARE, year)),
                hours=rng.randint(6, 72),
            )
        )
    return sentences


def _conclusion(topic: Topic) -> str:
    return (
        f"We presented {topic.method}, a simple and effective approach to {topic.task} built on "
        f"{topic.concept.lower()}. Future work will extend it to video and to other dense "
        "prediction tasks."
    )


def _footnotes(rng: random.Random, authors: Sequence[str], usage: Usage) -> list[str]:
    notes: list[str] = []
    if len(authors) > 2 and rng.random() < 0.4:
        notes.append("Equal contribution.")
    if rng.random() < 0.5:
        user = authors[0].split()[-1].lower().encode("ascii", "ignore").decode()
        repo = f"https://github.com/{user}-lab/code"
        # Authors who release code often say in the footnote which framework it is for.
        if usage.used and rng.random() < 0.5:
            notes.append(f"Code ({_spell(rng, usage.used[0])}) is available at {repo}.")
        else:
            notes.append(f"Code is available at {repo}.")
    return notes


def _spell(rng: random.Random, framework: str) -> str:
    return rng.choice(SPELLINGS[framework])


def frameworks_named(text: str, frameworks: Iterable[str] = ("pytorch", "tensorflow")) -> set[str]:
    """Which of ``frameworks`` occur in ``text`` as a case-insensitive substring (2019 method)."""
    lowered = text.lower()
    return {framework for framework in frameworks if framework in lowered}
