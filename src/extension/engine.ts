// The one bundle with TensorFlow.js that the extension ships, so the .vsix carries it once: forked by
// TrainerProcess (with an IPC channel), it is the trainer process. The extension host itself never loads it.
import '../trainer/main';
