import os
import re

from setuptools import find_packages, setup

HERE = os.path.dirname(os.path.abspath(__file__))


def _requirements(name):
    with open(os.path.join(HERE, "requirements", name)) as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


def _version():
    with open(os.path.join(HERE, "pytorch_lightning", "__init__.py")) as f:
        return re.search(r'__version__ = "([^"]+)"', f.read()).group(1)


setup(
    name="pytorch-lightning",
    version=_version(),
    description="A drop-in fork of the PyTorch Lightning 0.8.x trainer whose LR finder and LR logger work",
    long_description=open(os.path.join(HERE, "README.md")).read(),
    long_description_content_type="text/markdown",
    packages=find_packages(exclude=["tests", "tests.*", "benchmarks", "benchmarks.*", "examples"]),
    python_requires=">=3.8",
    install_requires=_requirements("base.txt"),
    extras_require={"extra": _requirements("extra.txt"), "test": _requirements("test.txt")},
    license="Apache-2.0",
)
