// The config commands that open panels: Show Graph (the composition graph, redrawn as the config is edited) and
// Show Parameters (parameters per run type). Both count from shapes in the host; nothing loads TensorFlow.js.
import { targetConfig } from './configDocuments';
import type { GraphPanels } from './webviews/graphPanel';
import type { ParametersPanels } from './webviews/parametersPanel';

export async function showGraph(panels: GraphPanels, arg: unknown): Promise<void> {
  const uri = await targetConfig(arg);
  if (uri) panels.show(uri);
}

export async function showConfigParameters(panels: ParametersPanels, arg: unknown): Promise<void> {
  const uri = await targetConfig(arg);
  if (uri) panels.showConfig(uri);
}
