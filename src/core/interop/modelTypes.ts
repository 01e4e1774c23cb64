// What AdapterHub and PEFT call the parts of each model type Adapter Lab exports: the AdapterHub model class, the
// prefix of the encoder's module names, and where Hugging Face's sequence-classification model keeps the pooler and
// the classifier (PEFT's `modules_to_save`). One row per model type; a new family adds its row here.
export interface ModelTypeNames {
  /** `model_class` of AdapterHub's adapter_config.json (adapters/models/<type>/adapter_model.py). */
  adapterModelClass: string;
  /** Prefix of the encoder's modules in HF's `<Type>ForSequenceClassification`, e.g. "bert". */
  encoderPrefix: string;
  /** HF's sequence-classification class (train.py loads the base with it for PEFT). */
  sequenceClassification: string;
  /** The modules PEFT saves beside the adapter for a SEQ_CLS task: the pooler (our head's d → d layer) and the classifier. */
  headModules: { pooler: string; classifier: string };
}

export const MODEL_TYPES: Readonly<Record<string, ModelTypeNames>> = {
  bert: {
    adapterModelClass: 'BertAdapterModel',
    encoderPrefix: 'bert',
    sequenceClassification: 'BertForSequenceClassification',
    headModules: { pooler: 'bert.pooler.dense', classifier: 'classifier' },
  },
};

export class UnsupportedModelType extends Error {}

export function modelTypeNames(modelType: string): ModelTypeNames {
  const names = MODEL_TYPES[modelType];
  if (!names) throw new UnsupportedModelType(`model type "${modelType}" has no export names yet (known: ${Object.keys(MODEL_TYPES).join(', ')})`);
  return names;
}
