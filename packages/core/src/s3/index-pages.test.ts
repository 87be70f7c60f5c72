import {
  cacheControlFor,
  indexedProject,
  isVariantFolder,
  NO_CACHE_CONTROL,
  PROD_CACHE_CONTROL,
} from './index-pages.js';

describe('index pages: the rules that need no bucket', () => {
  test("variant sub-folders are the ones PyTorch's generator accepts, legacy and channel folders are not", () => {
    expect(
      ['cpu', 'xpu', 'cu118', 'cu126', 'cu130', 'rocm6.2', 'rocm6.2.4', 'rocm7.1'].filter(isVariantFolder),
    ).toHaveLength(8);
    expect(
      [
        'cpu-cxx11-abi',
        'cpu_pypi_pkg',
        'cu126_full',
        'cu124_pypi_cudnn',
        'rocm',
        'test',
        'nightly',
        'variant',
        'torch',
      ].filter(isVariantFolder),
    ).toEqual([]);
  });

  test('pages under nightly, test or preview are never cached; the others for 10 minutes', () => {
    expect(cacheControlFor('whl/test/cu126/torch/index.html')).toBe(NO_CACHE_CONTROL);
    expect(cacheControlFor('whl/nightly/index.html')).toBe(NO_CACHE_CONTROL);
    expect(cacheControlFor('whl/preview/forge/index.html')).toBe(NO_CACHE_CONTROL);
    expect(cacheControlFor('whl/cu126/torch/index.html')).toBe(PROD_CACHE_CONTROL);
    expect(cacheControlFor('whl/testing/index.html')).toBe(PROD_CACHE_CONTROL);
  });

  test('wheels and sdists have a project (PEP 503 name); libtorch archives and other files have none', () => {
    expect(indexedProject('pytorch_triton-3.2.0-cp312-cp312-linux_x86_64.whl')).toBe('pytorch-triton');
    expect(indexedProject('torch-2.6.0.tar.gz')).toBe('torch');
    expect(indexedProject('libtorch-cxx11-abi-shared-with-deps-2.6.0+cu126.zip')).toBeUndefined();
    expect(indexedProject('torch-2.6.0-cp312-cp312-linux_x86_64.whl.metadata')).toBeUndefined();
  });
});
