// What AdapterHub and PEFT call the parts of each model type Adapter Lab exports: the AdapterHub model class and the
// module names of the encoder (both from the family table, src/core/io/hfFamilies.ts), and how Hugging Face's
// sequence-classification model of the type names its classification head (PEFT's `modules_to_save`). One row per
// model type; a new family adds its row here.
import { familyOf } from '../io/hfFamilies';

/** Hugging Face's sequence-classification head of a model type, as our two-layer head maps onto it. */
export interface ClassifierNames {
  /** The module our head's first layer (heads.{task}.1, d → d) becomes. */
  dense: string;
  /** The module our head's output layer (heads.{task}.4, d → labels) becomes. */
  classifier: string;
  /** PEFT's modules_to_save: the top-level modules holding both. */
  modulesToSave: string[];
  /** The activation HF's head applies between the two; ours is tanh. */
  activation: 'tanh' | 'gelu' | 'relu';
}

export interface ModelTypeNames {
  /** `model_class` of AdapterHub's adapter_config.json (adapters/models/<type>/adapter_model.py). */
  adapterModelClass: string;
  /** Prefix of the encoder's modules in HF's `<Type>ForSequenceClassification`, e.g. "bert". */
  encoderPrefix: string;
  /** The module list of the encoder's layers, e.g. "bert.encoder.layer" or "distilbert.transformer.layer". */
  layerPath: string;
  /** HF's sequence-classification class (train.py loads the base with it for PEFT). */
  sequenceClassification: string;
  head: ClassifierNames;
}

// Each head checked against transformers' modeling files: BertForSequenceClassification (bert.pooler.dense, tanh, then
// classifier); RobertaClassificationHead and XLMRobertaClassificationHead (classifier.dense, tanh,
// classifier.out_proj, on the first token); ElectraClassificationHead (classifier.dense, get_activation("gelu"),
// classifier.out_proj); DistilBertForSequenceClassification (pre_classifier, nn.ReLU, classifier).
const HEADS: Readonly<Record<string, { sequenceClassification: string; head: ClassifierNames }>> = {
  bert: {
    sequenceClassification: 'BertForSequenceClassification',
    head: { dense: 'bert.pooler.dense', classifier: 'classifier', modulesToSave: ['classifier', 'pooler'], activation: 'tanh' },
  },
  roberta: {
    sequenceClassification: 'RobertaForSequenceClassification',
    head: { dense: 'classifier.dense', classifier: 'classifier.out_proj', modulesToSave: ['classifier'], activation: 'tanh' },
  },
  'xlm-roberta': {
    sequenceClassification: 'XLMRobertaForSequenceClassification',
    head: { dense: 'classifier.dense', classifier: 'classifier.out_proj', modulesToSave: ['classifier'], activation: 'tanh' },
  },
  electra: {
    sequenceClassification: 'ElectraForSequenceClassification',
    head: { dense: 'classifier.dense', classifier: 'classifier.out_proj', modulesToSave: ['classifier'], activation: 'gelu' },
  },
  distilbert: {
    sequenceClassification: 'DistilBertForSequenceClassification',
    head: { dense: 'pre_classifier', classifier: 'classifier', modulesToSave: ['pre_classifier', 'classifier'], activation: 'relu' },
  },
};

export const EXPORT_MODEL_TYPES: readonly string[] = Object.keys(HEADS);

export class UnsupportedModelType extends Error {}

export function modelTypeNames(modelType: string): ModelTypeNames {
  const family = familyOf(modelType);
  const row = HEADS[modelType];
  if (!family || !row) throw new UnsupportedModelType(`model type "${modelType}" has no export names (known: ${EXPORT_MODEL_TYPES.join(', ')})`);
  // Our layer list is bert.encoder.layer; the family's name of its first layer gives theirs.
  const layerPath = family.toFamilyName('bert.encoder.layer.0.output.dense.weight').replace(/\.0\.[^]*$/, '');
  return {
    adapterModelClass: family.modelClass,
    encoderPrefix: layerPath.split('.')[0],
    layerPath,
    ...row,
  };
}

/** The model type whose encoder modules a PEFT key names (`base_model.model.roberta.encoder.layer.0.…`), if any. */
export function modelTypeOfModule(module: string): string | undefined {
  return EXPORT_MODEL_TYPES.find((type) => module.startsWith(`${modelTypeNames(type).layerPath}.`));
}

/** Why HF's head gives other outputs than ours for the same weights, or undefined when it computes the same. */
export function headActivationNote(names: ModelTypeNames): string | undefined {
  if (names.head.activation === 'tanh') return undefined;
  return `HF's ${names.sequenceClassification} applies ${names.head.activation.toUpperCase()} between ${names.head.dense} and ${names.head.classifier} where Adapter Lab's head applies tanh: the exported head gives other outputs in Python until fine-tuned there (the adapter itself is unaffected)`;
}
