/**
 * File contents shaped like pytorch/pytorch's and a domain library's, trimmed to what the release
 * process touches: workflows that call pytorch/test-infra at `@main`, a `test-infra-ref` input,
 * version.txt and the commit pins.
 */

export const CORE_WORKFLOWS: Record<string, string> = {
  '.github/workflows/_linux-build.yml': `name: linux-build

on:
  workflow_call:
    inputs:
      build-environment:
        required: true
        type: string
        description: Top-level label for what's being built/tested.
      docker-image-name:
        required: true
        type: string
        description: Name of the base docker image to build with.
      test-infra-repository:
        required: false
        type: string
        default: "pytorch/test-infra"
        description: "Test infra repository to use. Used for testing"
      test-infra-ref:
        required: false
        type: string
        default: "main"
        description: "Test infra reference to use. Used for testing"
      sync-tag:
        required: false
        type: string
        default: "main"
        description: Unrelated input whose default must stay as it is.

jobs:
  build:
    runs-on: linux.2xlarge
    timeout-minutes: 240
    steps:
      - name: Setup SSH (Click me for login details)
        uses: pytorch/test-infra/.github/actions/setup-ssh@main
        with:
          github-secret: \${{ secrets.GITHUB_TOKEN }}

      - name: Checkout PyTorch
        uses: pytorch/pytorch/.github/actions/checkout-pytorch@main

      - name: Setup Linux
        uses: ./.github/actions/setup-linux

      - name: Calculate docker image
        id: calculate-docker-image
        uses: pytorch/test-infra/.github/actions/calculate-docker-image@main
        with:
          docker-image-name: \${{ inputs.docker-image-name }}

      - name: Pull docker image
        uses: pytorch/test-infra/.github/actions/pull-docker-image@main
        with:
          docker-image: \${{ steps.calculate-docker-image.outputs.docker-image }}

      - name: Checkout test-infra scripts
        uses: actions/checkout@main
        with:
          repository: \${{ inputs.test-infra-repository }}
          ref: \${{ inputs.test-infra-ref }}
          path: test-infra

      - name: Build
        run: .ci/pytorch/build.sh

      - name: Teardown Linux
        uses: pytorch/test-infra/.github/actions/teardown-linux@main
        if: always()
`,
  '.github/workflows/trunk.yml': `name: trunk

on:
  push:
    branches:
      - main
      - release/*
      - landchecks/*
    tags:
      - ciflow/trunk/*
  workflow_dispatch:
  schedule:
    - cron: 29 8 * * *  # about 1:29am PDT

concurrency:
  group: \${{ github.workflow }}-\${{ github.event.pull_request.number || github.sha }}-\${{ github.event_name == 'workflow_dispatch' }}
  cancel-in-progress: true

permissions: read-all

jobs:
  llm-td:
    if: github.repository_owner == 'pytorch'
    name: before-test
    uses: ./.github/workflows/llm_td_retrieval.yml
    permissions:
      id-token: write
      contents: read

  get-label-type:
    name: get-label-type
    uses: pytorch/pytorch/.github/workflows/_runner-determinator.yml@main
    if: \${{ (github.event_name != 'schedule' || github.repository == 'pytorch/pytorch') && github.repository_owner == 'pytorch' }}
    with:
      triggering_actor: \${{ github.triggering_actor }}
      issue_owner: \${{ github.event.pull_request.user.login || github.event.issue.user.login }}

  linux-focal-cuda12_4-py3_10-gcc9-sm86-build:
    name: linux-focal-cuda12.4-py3.10-gcc9-sm86
    uses: ./.github/workflows/_linux-build.yml
    needs: get-label-type
    with:
      build-environment: linux-focal-cuda12.4-py3.10-gcc9-sm86
      docker-image-name: pytorch-linux-focal-cuda12.4-cudnn9-py3-gcc9
      test-infra-ref: main
    secrets: inherit
`,
  '.github/workflows/lint.yml': `name: Lint

on:
  pull_request:
    branches-ignore:
      - nightly
  push:
    branches:
      - main
      - release/*
      - landchecks/*
  workflow_dispatch:

permissions: read-all

jobs:
  lintrunner-clang:
    uses: pytorch/test-infra/.github/workflows/linux_job_v2.yml@main
    with:
      timeout: 120
      runner: linux.2xlarge
      docker-image: ci-image:pytorch-linux-jammy-cuda11.8-cudnn9-py3.9-linter
      # NB: A shallow checkout won't work here because calculate-docker-image requires a full checkout
      # to run git rev-parse HEAD~:.ci/docker when a new image is needed
      fetch-depth: 0
      submodules: true
      ref: \${{ github.event_name == 'pull_request' && github.event.pull_request.head.sha || github.sha }}
      test-infra-ref: main
      script: |
        export ADDITIONAL_LINTRUNNER_ARGS="--take CLANGTIDY,CLANGFORMAT"
        .github/scripts/lintrunner.sh

  quick-checks:
    uses: pytorch/test-infra/.github/workflows/linux_job_v2.yml@main
    with:
      timeout: 120
      runner: linux.2xlarge
      docker-image: ci-image:pytorch-linux-focal-linter
      fetch-depth: 0
      test-infra-ref: 'main'
      script: |
        # Ensure no non-breaking spaces
        (! git --no-pager grep -In "$(printf '\\xC2\\xA0')" -- . || (echo "The above lines have non-breaking spaces"; false))
`,
  '.github/workflows/docker-builds.yml': `name: docker-builds

on:
  workflow_dispatch:
    inputs:
      test-infra-ref:
        description: Which test-infra ref to build the images with
        type: string
        default: main
      ref:
        description: Which pytorch ref to build
        type: string
        default: main
  push:
    branches:
      - main
      - release/*
    paths:
      - .ci/docker/**
      - .github/workflows/docker-builds.yml

jobs:
  docker-build:
    runs-on: linux.12xlarge
    steps:
      - name: Checkout PyTorch
        uses: pytorch/pytorch/.github/actions/checkout-pytorch@main
      - name: Build docker image
        id: build-docker-image
        uses: pytorch/test-infra/.github/actions/calculate-docker-image@main
        with:
          docker-image-name: \${{ matrix.docker-image-name }}
          always-rebuild: true
          push: true
      - uses: nick-fields/retry@v3.0.0
        with:
          shell: bash
          timeout_minutes: 5
          max_attempts: 3
          retry_wait_seconds: 90
          command: docker pull \${{ steps.build-docker-image.outputs.docker-image }}
`,
};

export const CORE_ACTIONS: Record<string, string> = {
  '.github/actions/setup-linux/action.yml': `name: Setup Linux

description: Set up Docker workspace on EC2

runs:
  using: composite
  steps:
    - name: Display EC2 information
      shell: bash
      run: |
        set -euo pipefail
        echo "instance-type: $(curl -fsSL http://169.254.169.254/latest/meta-data/instance-type)"

    - name: Setup useful environment variables
      uses: pytorch/test-infra/.github/actions/setup-common@main

    - name: Kill any existing containers, clean up images
      shell: bash
      run: |
        docker ps -q | xargs -r docker kill || true
`,
  '.github/actions/checkout-pytorch/action.yml': `name: Checkout PyTorch

description: Clean workspace and check out PyTorch

inputs:
  no-sudo:
    description: If set to any value, don't use sudo to clean the workspace
    required: false
  submodules:
    description: Works as stated in actions/checkout
    required: false
    default: recursive
  fetch-depth:
    description: Works as stated in actions/checkout, but the default value is recursive
    required: false
    default: "0"

runs:
  using: composite
  steps:
    - name: Checkout PyTorch
      uses: actions/checkout@v4
      with:
        ref: \${{ github.event_name == 'pull_request' && github.event.pull_request.head.sha || github.sha }}
        fetch-depth: \${{ inputs.fetch-depth }}
        submodules: \${{ inputs.submodules }}
`,
};

export const CORE_OTHER_FILES: Record<string, string> = {
  '.github/ci_commit_pins/xla.txt': '8c7b5bd1e2c3d4f5a6b7c8d9e0f1a2b3c4d5e6f7\n',
  '.github/ci_commit_pins/vision.txt': 'd23a6e1664d20707c11781299611436e1f0c104f\n',
  '.github/ci_commit_pins/audio.txt': '332760d4b300f00a0d862e3cfe1495db3b1a14f9\n',
  '.github/scripts/lintrunner.sh': '#!/usr/bin/env bash\nset -ex\nlintrunner --force-color --all-files\n',
  '.github/pytorch-probot.yml': 'tracking_issue: 24422\nciflow_push_tags:\n- ciflow/trunk\n- ciflow/periodic\n',
  'README.md':
    '![PyTorch Logo](https://github.com/pytorch/pytorch/raw/main/docs/source/_static/img/pytorch-logo-dark.png)\n\nPyTorch is a Python package that provides two high-level features.\n',
  'setup.py':
    'import os\nfrom setuptools import setup\n\nversion = open("version.txt").read().strip()\nsetup(name="torch", version=version)\n',
  'CMakeLists.txt': 'cmake_minimum_required(VERSION 3.18 FATAL_ERROR)\nproject(Torch CXX C)\n',
  'torch/__init__.py': '"""The torch package."""\n\n__all__ = ["Tensor"]\n',
  'torch/nn/modules/linear.py': 'class Linear:\n    pass\n',
  'torch/_inductor/codegen/triton.py': 'def codegen():\n    return None\n',
  'torch/distributed/fsdp/api.py': 'class ShardingStrategy:\n    FULL_SHARD = 1\n',
  'aten/src/ATen/native/BinaryOps.cpp': '#include <ATen/ATen.h>\n\nnamespace at::native {}\n',
  'test/test_nn.py': 'import unittest\n\nclass TestNN(unittest.TestCase):\n    pass\n',
};

export const DOMAIN_WORKFLOWS: Record<string, string> = {
  '.github/workflows/build-wheels-linux.yml': `name: Build Linux Wheels

on:
  pull_request:
  push:
    branches:
      - nightly
      - main
      - release/*
    tags:
        # NOTE: Binary build pipelines should only get triggered on release candidate builds
        # Release candidate tags look like: v1.11.0-rc1
        - v[0-9]+.[0-9]+.[0-9]+-rc[0-9]+
  workflow_dispatch:

permissions:
  id-token: write
  contents: read

jobs:
  generate-matrix:
    uses: pytorch/test-infra/.github/workflows/generate_binary_build_matrix.yml@main
    with:
      package-type: wheel
      os: linux
      test-infra-repository: pytorch/test-infra
      test-infra-ref: main
      with-xpu: enable
  build:
    needs: generate-matrix
    strategy:
      fail-fast: false
      matrix:
        include:
          - repository: pytorch/vision
            pre-script: packaging/pre_build_script.sh
            post-script: packaging/post_build_script.sh
            smoke-test-script: test/smoke_test.py
            package-name: torchvision
    name: \${{ matrix.repository }}
    uses: pytorch/test-infra/.github/workflows/build_wheels_linux.yml@main
    with:
      repository: \${{ matrix.repository }}
      ref: ""
      test-infra-repository: pytorch/test-infra
      test-infra-ref: main
      build-matrix: \${{ needs.generate-matrix.outputs.matrix }}
      pre-script: \${{ matrix.pre-script }}
      post-script: \${{ matrix.post-script }}
      package-name: \${{ matrix.package-name }}
      smoke-test-script: \${{ matrix.smoke-test-script }}
      trigger-event: \${{ github.event_name }}
`,
  '.github/workflows/tests.yml': `name: Tests

on:
  pull_request:
  push:
    branches:
      - nightly
      - main
      - release/*
  workflow_dispatch:

jobs:
  unittests-linux:
    strategy:
      matrix:
        python-version:
          - "3.9"
          - "3.10"
        runner: ["linux.12xlarge"]
        gpu-arch-type: ["cpu"]
      fail-fast: false
    uses: pytorch/test-infra/.github/workflows/linux_job_v2.yml@main
    permissions:
      id-token: write
      contents: read
    with:
      repository: pytorch/vision
      runner: \${{ matrix.runner }}
      gpu-arch-type: \${{ matrix.gpu-arch-type }}
      timeout: 120
      test-infra-ref: main
      script: |
        set -euo pipefail
        export PYTHON_VERSION=\${{ matrix.python-version }}
        ./.github/scripts/unittest.sh
`,
};

export const DOMAIN_OTHER_FILES: Record<string, string> = {
  'README.md':
    '# torchvision\n\nThe torchvision package consists of popular datasets, model architectures, and image transformations.\n',
  'setup.py': 'from setuptools import setup\n\nsetup(name="torchvision", version=open("version.txt").read().strip())\n',
  'torchvision/__init__.py': 'from torchvision import datasets, io, models, ops, transforms, utils\n',
  'torchvision/ops/boxes.py': 'def nms(boxes, scores, iou_threshold):\n    raise NotImplementedError\n',
  '.github/scripts/unittest.sh': '#!/usr/bin/env bash\nset -euo pipefail\npytest test\n',
};

/** Areas and subjects that merge-bot titles are made of, so generated histories read like the real one. */
export const AREAS = [
  'inductor',
  'dynamo',
  'FSDP2',
  'export',
  'MPS',
  'ROCm',
  'CI',
  'distributed',
  'aotinductor',
  'quant',
];
export const SUBJECTS = [
  'Fix guard on dynamic shapes for slice',
  'Add support for bfloat16 in index_put',
  'Skip flaky test on sm86',
  'Handle empty process group in all_gather',
  'Update docker image for CUDA 12.6',
  'Remove deprecated _register_pytree_node call',
  'Use int64 indexing for large tensors',
  'Reland: speed up compile of large graphs',
  'Fix memory leak in caching allocator',
  'Bump triton pin',
];
export const FILES_TOUCHED = [
  'torch/_inductor/codegen/triton.py',
  'torch/nn/modules/linear.py',
  'torch/distributed/fsdp/api.py',
  'aten/src/ATen/native/BinaryOps.cpp',
  'test/test_nn.py',
];
export const REVIEWERS = ['ezyang', 'malfet', 'albanD', 'jansel', 'atalman', 'huydhn'];
