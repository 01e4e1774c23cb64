// The drawing as a standalone file: SVG text (colours are concrete, so it looks the same anywhere), or a PNG drawn
// from that SVG at twice the size, as a data: URL the host decodes and saves.
export function exportSvg(svg: SVGSVGElement): string {
  return new XMLSerializer().serializeToString(svg);
}

export async function exportPng(svg: SVGSVGElement, width: number, height: number, scale = 2): Promise<string> {
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(svg)], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil(height * scale);
    const context = canvas.getContext('2d')!;
    context.scale(scale, scale);
    context.drawImage(image, 0, 0, width, height);
    return canvas.toDataURL('image/png');
  } finally {
    URL.revokeObjectURL(url);
  }
}
