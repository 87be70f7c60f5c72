import { fileLink, keyToHref, pageName, parsePackageList, renderPackageList, renderProjectPage } from './pep503.js';

const SHA = 'ab'.repeat(32);
const META = 'cd'.repeat(32);

describe('PEP 503 pages as download.pytorch.org serves them', () => {
  test('a link: /<key> with + as %2B, #sha256=<hex>, and the file name as its text', () => {
    expect(fileLink({ key: 'whl/cu126/torch-2.6.0+cu126-cp312-cp312-linux_x86_64.whl', sha256: SHA })).toBe(
      `    <a href="/whl/cu126/torch-2.6.0%2Bcu126-cp312-cp312-linux_x86_64.whl#sha256=${SHA}">torch-2.6.0+cu126-cp312-cp312-linux_x86_64.whl</a><br/>`,
    );
    expect(keyToHref('whl/a b.whl')).toBe('/whl/a%20b.whl');
  });

  test('without a known sha256 the link has no fragment; with core metadata it has the PEP 658 and PEP 714 attributes', () => {
    expect(fileLink({ key: 'whl/torch-2.6.0-cp312-none-macosx_11_0_arm64.whl' })).toBe(
      '    <a href="/whl/torch-2.6.0-cp312-none-macosx_11_0_arm64.whl">torch-2.6.0-cp312-none-macosx_11_0_arm64.whl</a><br/>',
    );
    expect(fileLink({ key: 'whl/x-1.0-py3-none-any.whl', sha256: SHA, metadataSha256: META })).toBe(
      `    <a href="/whl/x-1.0-py3-none-any.whl#sha256=${SHA}" data-dist-info-metadata="sha256=${META}" data-core-metadata="sha256=${META}">x-1.0-py3-none-any.whl</a><br/>`,
    );
  });

  test('a project page: "Links for <name>", files sorted by key (sub-folder before root, as PyTorch sorts), no timestamp', () => {
    const html = renderProjectPage('pytorch_triton', [
      { key: 'whl/pytorch_triton-3.2.0-cp312-cp312-linux_x86_64.whl', sha256: SHA },
      { key: 'whl/cu126/pytorch_triton-3.2.0-cp312-cp312-linux_x86_64.whl', sha256: SHA },
    ]);
    expect(html.split('\n')).toEqual([
      '<!DOCTYPE html>',
      '<html>',
      '  <body>',
      '    <h1>Links for pytorch-triton</h1>',
      `    <a href="/whl/cu126/pytorch_triton-3.2.0-cp312-cp312-linux_x86_64.whl#sha256=${SHA}">pytorch_triton-3.2.0-cp312-cp312-linux_x86_64.whl</a><br/>`,
      `    <a href="/whl/pytorch_triton-3.2.0-cp312-cp312-linux_x86_64.whl#sha256=${SHA}">pytorch_triton-3.2.0-cp312-cp312-linux_x86_64.whl</a><br/>`,
      '  </body>',
      '</html>',
      '',
    ]);
    expect(renderProjectPage('torch', [{ key: 'whl/torch-1.whl' }])).toBe(
      renderProjectPage('torch', [{ key: 'whl/torch-1.whl' }]),
    );
  });

  test('a package list: one relative link per normalised project name, sorted, each once', () => {
    const html = renderPackageList(['torchvision', 'torch', 'Torch', 'pytorch_triton']);
    expect(html).toContain(
      '    <a href="pytorch-triton/">pytorch-triton</a><br/>\n    <a href="torch/">torch</a><br/>\n    <a href="torchvision/">torchvision</a><br/>\n',
    );
    expect(parsePackageList(html)).toEqual(['pytorch-triton', 'torch', 'torchvision']);
  });

  test('package lists written by other tools are read too: single quotes, absolute links, names to normalise', () => {
    expect(parsePackageList(`<a href='torch/'>torch</a><br/><a href="/whl/Pytorch_Triton/">x</a>`)).toEqual([
      'torch',
      'pytorch-triton',
    ]);
    expect(pageName('Typing.Extensions__x')).toBe('typing-extensions-x');
  });
});
