<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>EngineWorker</name>
    <message>
        <source>No model is loaded.</source>
        <translation>未加载模型。</translation>
    </message>
</context>
<context>
    <name>SampleGallery</name>
    <message>
        <source>Entailment, difficulty %1 (%2)</source>
        <translation>蕴含，难度 %1（%2）</translation>
    </message>
    <message>
        <source>Caption, difficulty %1 (%2)</source>
        <translation>图像描述，难度 %1（%2）</translation>
    </message>
</context>
<context>
    <name>StudioOptions</name>
    <message>
        <source>MuE Studio: see where a vision-language model&apos;s image stream, text stream and every decoded token exit early, and tune the thresholds by hand.</source>
        <translation>MuE Studio：查看视觉-语言模型的图像流、文本流以及每个解码出的词元在何处提前退出，并手动调整阈值。</translation>
    </message>
    <message>
        <source>Image to open (PNG, JPEG, BMP, TIFF, WebP, ...).</source>
        <translation>要打开的图像（PNG、JPEG、BMP、TIFF、WebP 等）。</translation>
    </message>
    <message>
        <source>Model folder to load (default: the embedded model).</source>
        <translation>要加载的模型文件夹（默认：内置模型）。</translation>
    </message>
    <message>
        <source>Visual entailment with this hypothesis.</source>
        <translation>使用此假设进行视觉蕴含判断。</translation>
    </message>
    <message>
        <source>Caption the image.</source>
        <translation>为图像生成描述。</translation>
    </message>
    <message>
        <source>Answer this free prompt about the image.</source>
        <translation>回答关于图像的这条自由提示。</translation>
    </message>
    <message>
        <source>MuE thresholds for the image stream, text stream and decoder, e.g. 0.99,0.99,0.99.</source>
        <translation>图像流、文本流和解码器的 MuE 阈值，例如 0.99,0.99,0.99。</translation>
    </message>
    <message>
        <source>LibTorch intra-op threads (default 1: more threads oversubscribe a small machine).</source>
        <translation>LibTorch 算子内线程数（默认 1：在小型机器上，更多线程会造成超额占用）。</translation>
    </message>
    <message>
        <source>Colour theme: system, light or dark.</source>
        <translation>配色主题：system、light 或 dark。</translation>
    </message>
    <message>
        <source>Run once, save the window as a PNG image to FILE and exit.</source>
        <translation>运行一次，将窗口保存为 PNG 图像 FILE，然后退出。</translation>
    </message>
    <message>
        <source>User-interface language, e.g. en, ja, zh_CN.</source>
        <translation>用户界面语言，例如 en、ja、zh_CN。</translation>
    </message>
    <message>
        <source>expected at most one IMAGE, got %1 arguments: %2</source>
        <translation>最多只能指定一个 IMAGE，但收到 %1 个参数：%2</translation>
    </message>
    <message>
        <source>--hypothesis, --caption and --prompt exclude each other</source>
        <translation>--hypothesis、--caption 和 --prompt 不能同时使用</translation>
    </message>
    <message>
        <source>--thresholds expects three numbers in [-1, 1] separated by commas (image,text,decoder), got &apos;%1&apos;</source>
        <translation>--thresholds 需要三个位于 [-1, 1] 内、以逗号分隔的数（image,text,decoder），实际为 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>--threads expects a whole number from 1 to %1, got &apos;%2&apos;</source>
        <translation>--threads 需要 1 到 %1 之间的整数，实际为 &apos;%2&apos;</translation>
    </message>
    <message>
        <source>--theme expects system, light or dark, got &apos;%1&apos;</source>
        <translation>--theme 需要 system、light 或 dark，实际为 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>Open a sweep written by `mue sweep --out PREFIX` (PREFIX.json) in the data-set workspace.</source>
        <translation>在数据集工作区中打开由 `mue sweep --out PREFIX` 写出的扫描结果（PREFIX.json）。</translation>
    </message>
    <message>
        <source>Restore a session saved with File &gt; Save Session As.</source>
        <translation>恢复用“文件 &gt; 会话另存为”保存的会话。</translation>
    </message>
</context>
<context>
    <name>TraceExport</name>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Cannot write %1.</source>
        <translation>无法写入 %1。</translation>
    </message>
</context>
<context>
    <name>mue::studio::AboutDialog</name>
    <message>
        <source>About MuE</source>
        <translation>关于 MuE</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Multiple early exiting (MuE)&lt;/h2&gt;&lt;p&gt;A unified vision-language model such as OFA reads an image and a text with a stack of encoder layers, then writes its answer token by token with a stack of decoder layers. Not every input needs every layer: on an easy input the hidden states stop changing early. &lt;b&gt;MuE&lt;/b&gt; (Tang et al., CVPR 2023) stops each part of the computation as soon as further layers would not change much.&lt;/p&gt;&lt;p&gt;&lt;img src=&quot;mue://figure&quot;&gt;&lt;/p&gt;&lt;p&gt;&lt;i&gt;Figure: an illustration of where MuE exits. Filled boxes ran, the outlined box is where the exit fired, faint boxes were skipped.&lt;/i&gt;&lt;/p&gt;&lt;h3&gt;Three kinds of exit&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;Image stream&lt;/b&gt; and &lt;b&gt;text stream&lt;/b&gt;: the encoder runs the two modalities separately (decomposed) so that each can exit on its own. After layer &lt;i&gt;i&lt;/i&gt; a stream stops when the cosine similarity of its hidden states before and after that layer exceeds its threshold: the layer barely changed it.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Decoder&lt;/b&gt;: every generated token exits on its own, after the first decoder layer whose state is similar enough to the previous layer&apos;s. The threshold decays over the answer, &amp;Theta;(t) = &amp;beta;&amp;theta; + (1 &amp;minus; &amp;beta;) e&lt;sup&gt;&amp;minus;&amp;tau;t/N&lt;/sup&gt;, so later tokens may exit earlier.&lt;/li&gt;&lt;/ul&gt;&lt;p&gt;A model fine-tuned with a loss at &lt;i&gt;every&lt;/i&gt; decoder layer (MuE&apos;s layer-wise loss) can answer from any of them, which is what makes the decoder exits safe.&lt;/p&gt;&lt;h3&gt;What the window shows&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;Similarity plot&lt;/b&gt;: 1 &amp;minus; cos between consecutive layers for each stream, on a log scale. The dashed lines are the thresholds; drag one and the run repeats with the new value.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Exit diagram&lt;/b&gt;: the layer stacks of every stream and every decoded token: what ran, where it exited, what was skipped.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Output&lt;/b&gt;: each token coloured by the layer it exited at; hover it to see what the shared head predicted at each layer.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Image&lt;/b&gt;: per image patch, how much the chosen layer still changed it.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Savings&lt;/b&gt;: the expected reduction in layers (the paper&apos;s two definitions), the reduction in floating-point operations, and the measured wall time against the full model on the same input.&lt;/li&gt;&lt;/ul&gt;&lt;p&gt;Reference: Shengkun Tang et al. &lt;i&gt;You Need Multiple Exiting: Dynamic Early Exiting for Accelerating Unified Vision Language Model.&lt;/i&gt; CVPR 2023.&lt;/p&gt;&lt;p&gt;MuE Studio is free software under the GNU General Public License, version 3 or later.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;多重提前退出（MuE）&lt;/h2&gt;&lt;p&gt;像 OFA 这样的统一视觉-语言模型，先用一叠编码器层读取图像和文本，再用一叠解码器层逐个词元地写出答案。并非每个输入都需要每一层：对于简单的输入，隐藏状态很早就不再变化。&lt;b&gt;MuE&lt;/b&gt;（Tang 等，CVPR 2023）会在后续层已不会带来多少变化时，立即停止相应部分的计算。&lt;/p&gt;&lt;p&gt;&lt;img src=&quot;mue://figure&quot;&gt;&lt;/p&gt;&lt;p&gt;&lt;i&gt;图：MuE 退出位置的示意。实心方框表示已运行，仅有轮廓的方框表示触发退出的位置，淡色方框表示被跳过。&lt;/i&gt;&lt;/p&gt;&lt;h3&gt;三种退出&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;图像流&lt;/b&gt;和&lt;b&gt;文本流&lt;/b&gt;：编码器将两种模态分开（分解）处理，使二者能够各自退出。在第 &lt;i&gt;i&lt;/i&gt; 层之后，若该层前后隐藏状态的余弦相似度超过其阈值，即该层几乎没有改变它，该流便停止。&lt;/li&gt;&lt;li&gt;&lt;b&gt;解码器&lt;/b&gt;：每个生成的词元各自退出，退出点位于其状态与前一层足够相似的第一个解码器层之后。阈值随答案的推进而衰减，&amp;Theta;(t) = &amp;beta;&amp;theta; + (1 &amp;minus; &amp;beta;) e&lt;sup&gt;&amp;minus;&amp;tau;t/N&lt;/sup&gt;，因此靠后的词元可以更早退出。&lt;/li&gt;&lt;/ul&gt;&lt;p&gt;在&lt;i&gt;每一个&lt;/i&gt;解码器层上都施加损失进行微调的模型（MuE 的逐层损失）可以从其中任意一层给出答案，这正是解码器退出安全可靠的原因。&lt;/p&gt;&lt;h3&gt;窗口显示的内容&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;相似度图&lt;/b&gt;：各流相邻层之间的 1 &amp;minus; cos，采用对数刻度。虚线为阈值；拖动其中一条，即以新值重新运行。&lt;/li&gt;&lt;li&gt;&lt;b&gt;退出示意图&lt;/b&gt;：每个流和每个已解码词元的层堆叠：哪些层运行了、在哪里退出、哪些被跳过。&lt;/li&gt;&lt;li&gt;&lt;b&gt;输出&lt;/b&gt;：每个词元按其退出所在的层着色；悬停可查看共享输出头在每一层的预测。&lt;/li&gt;&lt;li&gt;&lt;b&gt;图像&lt;/b&gt;：按图像块显示所选层仍对其改变了多少。&lt;/li&gt;&lt;li&gt;&lt;b&gt;节省&lt;/b&gt;：层数的期望缩减（论文的两种定义）、浮点运算量的缩减，以及在相同输入上与完整模型对比实测的墙钟时间。&lt;/li&gt;&lt;/ul&gt;&lt;p&gt;参考文献：Shengkun Tang et al. &lt;i&gt;You Need Multiple Exiting: Dynamic Early Exiting for Accelerating Unified Vision Language Model.&lt;/i&gt; CVPR 2023.&lt;/p&gt;&lt;p&gt;MuE Studio 是自由软件，依据 GNU 通用公共许可证（GNU General Public License）第 3 版或更高版本授权。&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>mue::studio::ExplorerView</name>
    <message>
        <source>Data set and thresholds</source>
        <translation>数据集与阈值</translation>
    </message>
    <message>
        <source>Shapes world: visual entailment</source>
        <translation>Shapes world：视觉蕴含</translation>
    </message>
    <message>
        <source>Shapes world: captioning</source>
        <translation>Shapes world：图像描述</translation>
    </message>
    <message>
        <source>Folder with data.tsv…</source>
        <translation>包含 data.tsv 的文件夹…</translation>
    </message>
    <message>
        <source>The items to evaluate: a built-in benchmark, or your own folder of images and a data.tsv.</source>
        <translation>要评估的条目：内置基准，或您自己的包含图像和 data.tsv 的文件夹。</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>验证集</translation>
    </message>
    <message>
        <source>test</source>
        <translation>测试集</translation>
    </message>
    <message>
        <source>Choose thresholds on the validation split and report them on the test split.</source>
        <translation>在验证集上选择阈值，并在测试集上报告结果。</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>How many items (the first ones) each setting is evaluated on; 0 means all.</source>
        <translation>每个设置所评估的条目数（取最前面的条目）；0 表示全部。</translation>
    </message>
    <message>
        <source>items:</source>
        <translation>条目数：</translation>
    </message>
    <message>
        <source>Data set:</source>
        <translation>数据集：</translation>
    </message>
    <message>
        <source>Image thresholds:</source>
        <translation>图像阈值：</translation>
    </message>
    <message>
        <source>Text thresholds:</source>
        <translation>文本阈值：</translation>
    </message>
    <message>
        <source>Decoder thresholds:</source>
        <translation>解码器阈值：</translation>
    </message>
    <message>
        <source>Comma-separated similarity thresholds for this stream; every combination of the three lists is one MuE setting. 1 never exits.</source>
        <translation>此流的相似度阈值，以逗号分隔；三个列表的每种组合构成一个 MuE 设置。1 表示从不退出。</translation>
    </message>
    <message>
        <source>Also sweep the baselines (DeeBERT, PABEE, confidence, joint exit, static depth)</source>
        <translation>同时扫描基线方法（DeeBERT、PABEE、置信度、联合退出、静态深度）</translation>
    </message>
    <message>
        <source>Adds the baseline policies at their default settings, to compare at equal score.</source>
        <translation>以默认设置加入基线策略，以便在相同得分下进行比较。</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>扫描</translation>
    </message>
    <message>
        <source>Evaluate the full model and every setting of the grid on the data set.</source>
        <translation>在数据集上评估完整模型以及网格中的每个设置。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the sweep; the settings finished so far stay on the plot.</source>
        <translation>停止扫描；已完成的设置会保留在图上。</translation>
    </message>
    <message>
        <source>Open Sweep…</source>
        <translation>打开扫描结果…</translation>
    </message>
    <message>
        <source>Show a sweep written by `mue sweep --out PREFIX` (the PREFIX.json file).</source>
        <translation>显示由 `mue sweep --out PREFIX` 写出的扫描结果（PREFIX.json 文件）。</translation>
    </message>
    <message>
        <source>Auto-tune</source>
        <translation>自动调优</translation>
    </message>
    <message>
        <source>The least share of the full model&apos;s score to keep, e.g. 0.99 for 99 %.</source>
        <translation>需要保持的完整模型得分的最低比例，例如 0.99 表示 99 %。</translation>
    </message>
    <message>
        <source>Tune on Validation</source>
        <translation>在验证集上调优</translation>
    </message>
    <message>
        <source>Choose the grid setting that saves the most layers while keeping the target share on the validation split, then report it on the test split (shapes data sets).</source>
        <translation>选择在验证集上保持目标比例、同时节省最多层数的网格设置，然后在测试集上报告结果（shapes 数据集）。</translation>
    </message>
    <message>
        <source>Keep at least</source>
        <translation>至少保持</translation>
    </message>
    <message>
        <source>Use These Thresholds</source>
        <translation>使用这些阈值</translation>
    </message>
    <message>
        <source>Load the tuned thresholds into the single-input workspace.</source>
        <translation>将调优后的阈值载入单输入工作区。</translation>
    </message>
    <message>
        <source>expected reduction (mean), %</source>
        <translation>期望缩减（均值），%</translation>
    </message>
    <message>
        <source>score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Each point is one setting: its score against the layers it saved. The line joins the Pareto front. Click a point to load its settings into the single-input workspace.</source>
        <translation>每个点代表一个设置：其得分与所节省层数的关系。连线为帕累托前沿。单击某个点可将其设置载入单输入工作区。</translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>策略</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Retention</source>
        <translation>保持率</translation>
    </message>
    <message>
        <source>Expected (mean)</source>
        <translation>期望（均值）</translation>
    </message>
    <message>
        <source>Expected (token-weighted)</source>
        <translation>期望（按词元加权）</translation>
    </message>
    <message>
        <source>FLOPs</source>
        <translation>FLOPs</translation>
    </message>
    <message>
        <source>Pareto</source>
        <translation>帕累托</translation>
    </message>
    <message>
        <source>Every evaluated setting. Double-click one to load it into the single-input workspace.</source>
        <translation>所有已评估的设置。双击某项可将其载入单输入工作区。</translation>
    </message>
    <message>
        <source>Data Set Folder</source>
        <translation>数据集文件夹</translation>
    </message>
    <message>
        <source>Open Sweep</source>
        <translation>打开扫描结果</translation>
    </message>
    <message>
        <source>Sweep JSON (*.json)</source>
        <translation>扫描结果 JSON (*.json)</translation>
    </message>
    <message>
        <source>%1 of %2 settings · %3 elapsed · about %4 left</source>
        <translation>%1 / %2 个设置 · 已用 %3 · 剩余约 %4</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>Auto-tune needs a shapes data set: it chooses on validation and reports on test.</source>
        <translation>自动调优需要 shapes 数据集：在验证集上选择，在测试集上报告。</translation>
    </message>
    <message>
        <source>image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>decoder</source>
        <translation>解码器</translation>
    </message>
    <message>
        <source>The %1 thresholds must be numbers in [-1, 1] separated by commas.</source>
        <translation>%1阈值必须是位于 [-1, 1] 内、以逗号分隔的数。</translation>
    </message>
    <message>
        <source>Tuning…</source>
        <translation>调优中…</translation>
    </message>
    <message>
        <source>Sweeping…</source>
        <translation>扫描中…</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>Pareto front</source>
        <translation>帕累托前沿</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>CIDEr-D</source>
        <translation>CIDEr-D</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message numerus="yes">
        <source>%n setting(s) on %1 items of %2</source>
        <translation>
            <numerusform>在 %2 的 %1 个条目上的 %n 个设置</numerusform>
        </translation>
    </message>
    <message>
        <source> · from the cache, or a saved sweep</source>
        <translation> · 来自缓存或已保存的扫描结果</translation>
    </message>
    <message>
        <source> · %1</source>
        <translation> · %1</translation>
    </message>
    <message>
        <source>Chosen on validation: image %1 · text %2 · decoder %3.</source>
        <translation>在验证集上选定：图像 %1 · 文本 %2 · 解码器 %3。</translation>
    </message>
    <message>
        <source>No grid setting kept the target on validation: the full model.</source>
        <translation>没有网格设置在验证集上达到目标：使用完整模型。</translation>
    </message>
    <message>
        <source>On test: score %1 (%2 of the full model&apos;s %3), expected reduction %4, FLOPs %5.</source>
        <translation>测试集：得分 %1（完整模型 %3 的 %2），期望缩减 %4，FLOPs %5。</translation>
    </message>
    <message>
        <source>Tuned in %1.</source>
        <translation>调优用时 %1。</translation>
    </message>
    <message>
        <source>Loaded &quot;%1&quot; into the single-input workspace.</source>
        <translation>已将“%1”载入单输入工作区。</translation>
    </message>
    <message>
        <source>exit layer</source>
        <translation>退出层</translation>
    </message>
    <message>
        <source>share, %</source>
        <translation>占比（%）</translation>
    </message>
    <message>
        <source>Exit layers</source>
        <translation>退出层</translation>
    </message>
    <message>
        <source>Where the examples of the selected setting exited: the share of examples per exit layer for each encoder stream, and of decoded tokens for the decoder.</source>
        <translation>所选设置下各样例在哪一层退出：编码器各流为每个退出层的样例占比，解码器为已解码词元的占比。</translation>
    </message>
    <message>
        <source>Exit layers: %1</source>
        <translation>退出层：%1</translation>
    </message>
    <message>
        <source>Profile Layers</source>
        <translation>逐层分析</translation>
    </message>
    <message>
        <source>Run every layer once on the data set under the single-input workspace&apos;s policy: per-layer similarity of each stream, and where the policy would exit by difficulty.</source>
        <translation>在单输入工作区的策略下，对数据集逐一运行所有层：显示各流的逐层相似度，以及按难度划分的策略退出位置。</translation>
    </message>
    <message>
        <source>layer i</source>
        <translation>第 i 层</translation>
    </message>
    <message>
        <source>How much each layer still changes each stream, over the whole data set (the paper&apos;s Figure 3): where the curves fall below a threshold, that stream exits.</source>
        <translation>在整个数据集上，每一层对各流仍有多大改变（论文图 3）：曲线低于阈值之处，该流即退出。</translation>
    </message>
    <message>
        <source>scene difficulty</source>
        <translation>场景难度</translation>
    </message>
    <message>
        <source>mean exit layer</source>
        <translation>平均退出层</translation>
    </message>
    <message>
        <source>Exit layer against difficulty</source>
        <translation>退出层与难度</translation>
    </message>
    <message>
        <source>Where the policy exits on easy and hard scenes: harder scenes should run more layers.</source>
        <translation>策略在简单和困难场景上的退出位置：越难的场景应运行越多的层。</translation>
    </message>
    <message>
        <source>Score vs. saving</source>
        <translation>得分与节省</translation>
    </message>
    <message>
        <source>Layers and difficulty</source>
        <translation>层与难度</translation>
    </message>
    <message>
        <source>Tuning cancelled.</source>
        <translation>已取消自动调优。</translation>
    </message>
    <message>
        <source>Profiling cancelled.</source>
        <translation>已取消逐层分析。</translation>
    </message>
    <message>
        <source>Profiling every layer…</source>
        <translation>正在逐层分析…</translation>
    </message>
    <message>
        <source>%1 (Spearman %2)</source>
        <translation>%1（斯皮尔曼 %2）</translation>
    </message>
    <message>
        <source>accuracy (right axis)</source>
        <translation>准确率（右轴）</translation>
    </message>
    <message numerus="yes">
        <source>Every layer of %1 items under %2 %3; %n difficulty level(s)</source>
        <translation>
            <numerusform>在 %2 %3 下运行 %1 个样例的所有层；%n 个难度等级</numerusform>
        </translation>
    </message>
    <message>
        <source>1 - cos, mean ± std (log scale)</source>
        <translation>1 - cos，均值 ± 标准差（对数刻度）</translation>
    </message>
    <message>
        <source>Worst Examples</source>
        <translation>最差样例</translation>
    </message>
    <message>
        <source>Run the full model and the single-input workspace&apos;s settings on the items, and list the examples whose score changes most.</source>
        <translation>在各样例上运行完整模型与单输入工作区的设置，列出得分变化最大的样例。</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>样例</translation>
    </message>
    <message>
        <source>Difficulty</source>
        <translation>难度</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Full model</source>
        <translation>完整模型</translation>
    </message>
    <message>
        <source>With the setting</source>
        <translation>使用该设置</translation>
    </message>
    <message>
        <source>Score change</source>
        <translation>得分变化</translation>
    </message>
    <message>
        <source>The examples whose score the setting changes most, worst first. Double-click one to open it in the single-input workspace under the setting.</source>
        <translation>该设置下得分变化最大的样例，最差的在前。双击可在该设置下于单输入工作区中打开。</translation>
    </message>
    <message>
        <source>Worst examples</source>
        <translation>最差样例</translation>
    </message>
    <message>
        <source>Comparison cancelled.</source>
        <translation>已取消比较。</translation>
    </message>
    <message>
        <source>Comparing with the full model…</source>
        <translation>正在与完整模型比较…</translation>
    </message>
    <message>
        <source>now wrong</source>
        <translation>变为错误</translation>
    </message>
    <message>
        <source>now right</source>
        <translation>变为正确</translation>
    </message>
    <message>
        <source>%1 of %2 items change under %3 %4 (score %5 → %6)</source>
        <translation>在 %3 %4 下，%2 个样例中有 %1 个发生变化（得分 %5 → %6）</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Save the visible chart as PNG or PDF (the profile tab writes FILE and FILE-difficulty), or the table of settings as CSV.</source>
        <translation>将当前图表保存为 PNG 或 PDF（逐层分析页会写出 FILE 和 FILE-difficulty 两个文件），或将设置表保存为 CSV。</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>PNG image (*.png);;PDF document (*.pdf);;CSV table (*.csv)</source>
        <translation>PNG 图像 (*.png);;PDF 文档 (*.pdf);;CSV 表格 (*.csv)</translation>
    </message>
    <message>
        <source>The worst-examples table has no chart; export the settings as CSV.</source>
        <translation>最差样例表没有图表；请将设置导出为 CSV。</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>Adaptive</source>
        <translation>自适应</translation>
    </message>
    <message>
        <source>Grid: every combination of the three lists. Random: settings drawn at random, dense near 1. Adaptive: random settings first, then rounds of settings drawn around the Pareto front.</source>
        <translation>网格：三个列表的所有组合。随机：随机抽取的设置，在 1 附近更密。自适应：先抽取随机设置，再在帕累托前沿周围抽取若干轮设置。</translation>
    </message>
    <message>
        <source>Random and adaptive: how many settings are drawn first (adaptive: also per round).</source>
        <translation>随机与自适应：最先抽取的设置数（自适应：也是每轮的数量）。</translation>
    </message>
    <message>
        <source>Adaptive: rounds of settings drawn around the Pareto front found so far.</source>
        <translation>自适应：在目前找到的帕累托前沿周围抽取设置的轮数。</translation>
    </message>
    <message>
        <source>The same seed draws the same settings, so a cancelled search resumes where it stopped.</source>
        <translation>相同的种子抽取相同的设置，因此取消的搜索会从停下的地方继续。</translation>
    </message>
    <message>
        <source>Random and adaptive: the range of 1 − threshold the settings are drawn from (0.0001, 0.05 is thresholds 0.9999 to 0.95).</source>
        <translation>随机与自适应：抽取设置时 1 − 阈值 的范围（0.0001, 0.05 即阈值 0.9999 到 0.95）。</translation>
    </message>
    <message>
        <source>settings:</source>
        <translation>设置数：</translation>
    </message>
    <message>
        <source>rounds:</source>
        <translation>轮数：</translation>
    </message>
    <message>
        <source>seed:</source>
        <translation>种子：</translation>
    </message>
    <message>
        <source>1 − θ from, to:</source>
        <translation>1 − θ 范围：</translation>
    </message>
    <message>
        <source>Search:</source>
        <translation>搜索：</translation>
    </message>
    <message>
        <source>The range of 1 − θ must be two numbers, 0 &lt; from ≤ to &lt; 1, e.g. 0.0001, 0.05.</source>
        <translation>1 − θ 的范围必须是两个数，0 &lt; 下限 ≤ 上限 &lt; 1，例如 0.0001, 0.05。</translation>
    </message>
    <message>
        <source>unknown data set &apos;%1&apos;</source>
        <translation>未知的数据集 &apos;%1&apos;</translation>
    </message>
    <message>
        <source> · cancelled: the settings finished so far (Sweep resumes it)</source>
        <translation> · 已取消：目前已完成的设置（再次扫描会继续）</translation>
    </message>
    <message numerus="yes">
        <source> · %n resumed from the interrupted run</source>
        <translation>
            <numerusform> · 从中断的运行中恢复了 %n 个</numerusform>
        </translation>
    </message>
    <message>
        <source>with confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <source>Accept a setting only when a bootstrap lower bound of its validation retention, at this confidence, reaches the target too. A few hundred validation items overstate retention: on 300, a setting kept 99.4 % on validation and 86 % on test.</source>
        <translation>仅当设置在验证集上保持率的自助法（bootstrap）下界在此置信度下也达到目标时才采用。几百个验证样本会高估保持率：在 300 个样本上，某个设置在验证集上保持 99.4 %，在测试集上只有 86 %。</translation>
    </message>
    <message>
        <source>How sure the lower bound must be, e.g. 0.90: the retention is at least the target with this probability (a bootstrap over the validation items).</source>
        <translation>下界需要的可信程度，例如 0.90：保持率以此概率不低于目标（在验证样本上自助抽样）。</translation>
    </message>
    <message>
        <source>No grid setting kept the target on validation with %1 confidence: the full model.</source>
        <translation>没有网格设置在验证集上以 %1 置信度达到目标：使用完整模型。</translation>
    </message>
    <message>
        <source>Validation retention %1 (lower bound %2 at %3 confidence).</source>
        <translation>验证集保持率 %1（%3 置信度下的下界 %2）。</translation>
    </message>
</context>
<context>
    <name>mue::studio::GuidedTour</name>
    <message>
        <source>Back</source>
        <translation>上一步</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>Guided Tour</source>
        <translation>导览</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation>第 %1 步，共 %2 步</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>完成</translation>
    </message>
</context>
<context>
    <name>mue::studio::HistoryModel</name>
    <message>
        <source>Caption</source>
        <translation>图像描述</translation>
    </message>
    <message>
        <source>Entailment</source>
        <translation>蕴含</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>Full model</source>
        <translation>完整模型</translation>
    </message>
    <message>
        <source>MuE</source>
        <translation>MuE</translation>
    </message>
    <message>
        <source>Joint</source>
        <translation>联合</translation>
    </message>
    <message>
        <source>Static</source>
        <translation>静态</translation>
    </message>
    <message>
        <source>DeeBERT</source>
        <translation>DeeBERT</translation>
    </message>
    <message>
        <source>PABEE</source>
        <translation>PABEE</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <source>%1 / %2 / %3 layers</source>
        <translation>%1 / %2 / %3 层</translation>
    </message>
    <message>
        <source>entropy &lt; %1</source>
        <translation>熵 &lt; %1</translation>
    </message>
    <message>
        <source>patience %1</source>
        <translation>耐心值 %1</translation>
    </message>
    <message>
        <source>top-1 &gt; %1</source>
        <translation>top-1 &gt; %1</translation>
    </message>
    <message>
        <source>%1 · %2 · %3</source>
        <translation>%1 · %2 · %3</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>策略</translation>
    </message>
    <message>
        <source>Thresholds</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>Exits I · T · D</source>
        <translation>退出层 I · T · D</translation>
    </message>
    <message>
        <source>Saving</source>
        <translation>节省</translation>
    </message>
    <message>
        <source>Prediction</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>延迟</translation>
    </message>
    <message>
        <source>The policy&apos;s thresholds: image / text / decoder similarity for MuE.</source>
        <translation>策略的阈值：对 MuE 而言为图像 / 文本 / 解码器的相似度。</translation>
    </message>
    <message>
        <source>Layers the image stream, the text stream and (mean over tokens) the decoder ran.</source>
        <translation>图像流、文本流和解码器（按词元平均）运行的层数。</translation>
    </message>
    <message>
        <source>Expected reduction (mean definition), and in brackets the measured wall-time reduction.</source>
        <translation>期望缩减（均值定义），括号内为实测的墙钟时间缩减。</translation>
    </message>
    <message>
        <source>Time from the request to the result, as you waited for it.</source>
        <translation>从发出请求到得到结果的时间，即您实际等待的时间。</translation>
    </message>
    <message>
        <source>%1 (pinned reference)</source>
        <translation>%1（已固定的参照）</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
</context>
<context>
    <name>mue::studio::MainWindow</name>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp *.ppm *.pgm);;All files (*)</source>
        <translation>图像 (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp *.ppm *.pgm);;所有文件 (*)</translation>
    </message>
    <message>
        <source>MuE Studio</source>
        <translation>MuE Studio</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>The input image. The overlay shows, per image patch, how little the chosen layer changed it: saturated patches have stopped changing.</source>
        <translation>输入图像。叠加层按图像块显示所选层对其改变有多小：颜色饱和的图像块已不再变化。</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Visual entailment</source>
        <translation>视觉蕴含</translation>
    </message>
    <message>
        <source>Caption</source>
        <translation>图像描述</translation>
    </message>
    <message>
        <source>Free prompt</source>
        <translation>自由提示</translation>
    </message>
    <message>
        <source>What the model does with the image: decide whether the hypothesis is entailed (yes / no / maybe), write a caption, or answer a prompt.</source>
        <translation>模型对图像执行的任务：判断假设是否被蕴含（yes / no / maybe）、生成图像描述，或回答提示。</translation>
    </message>
    <message>
        <source>&amp;Task:</source>
        <translation>任务(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Text:</source>
        <translation>文本(&amp;T)：</translation>
    </message>
    <message>
        <source>The benchmark&apos;s answer for a built-in sample.</source>
        <translation>内置样本在基准中的参考答案。</translation>
    </message>
    <message>
        <source>Expected:</source>
        <translation>期望答案：</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Run the model on this image and text with the thresholds below (Ctrl+Return).</source>
        <translation>使用下方的阈值，在此图像和文本上运行模型（Ctrl+Return）。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the run in progress; it stops within one layer (Esc).</source>
        <translation>停止正在进行的运行；将在一层之内停止（Esc）。</translation>
    </message>
    <message>
        <source>Run on every change</source>
        <translation>每次更改时运行</translation>
    </message>
    <message>
        <source>Run again automatically, shortly after the image, the text or a threshold changes.</source>
        <translation>图像、文本或阈值发生变化后，稍后自动重新运行。</translation>
    </message>
    <message>
        <source>Exit policy and thresholds</source>
        <translation>退出策略与阈值</translation>
    </message>
    <message>
        <source>The decoded token whose per-layer similarity the plot shows as the decoder curve.</source>
        <translation>其逐层相似度在图中显示为解码器曲线的已解码词元。</translation>
    </message>
    <message>
        <source>Decoder curve for &amp;token:</source>
        <translation>解码器曲线对应的词元(&amp;T)：</translation>
    </message>
    <message>
        <source>Drag a dashed threshold line to move that exit.</source>
        <translation>拖动虚线阈值线即可移动对应的退出点。</translation>
    </message>
    <message>
        <source>How much each layer changed each stream: 1 - cos(h_i, h_i-1) on a log scale. A stream exits after the first layer whose similarity passes its threshold line.</source>
        <translation>每一层对每个流的改变程度：1 - cos(h_i, h_i-1)，对数刻度。流会在相似度首次越过其阈值线的那一层之后退出。</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Savings</source>
        <translation>节省</translation>
    </message>
    <message>
        <source>Single input</source>
        <translation>单输入</translation>
    </message>
    <message>
        <source>Data set</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>One image and text: where each stream and token exits, and why.</source>
        <translation>单个图像和文本：每个流和每个词元在何处退出，以及原因。</translation>
    </message>
    <message>
        <source>What thresholds do over a whole data set: sweeps, the Pareto front, auto-tuning.</source>
        <translation>阈值在整个数据集上的效果：扫描、帕累托前沿、自动调优。</translation>
    </message>
    <message>
        <source>Every run. Double-click one to restore its input and settings; pin one to overlay it on the plot.</source>
        <translation>所有运行记录。双击某条可恢复其输入和设置；固定某条可将其叠加到图上。</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <source>The engine is running in the background; the window stays responsive.</source>
        <translation>引擎正在后台运行；窗口仍可正常响应。</translation>
    </message>
    <message>
        <source>&amp;Open Image…</source>
        <translation>打开图像(&amp;O)…</translation>
    </message>
    <message>
        <source>Open an image file.</source>
        <translation>打开图像文件。</translation>
    </message>
    <message>
        <source>Open &amp;Model Folder…</source>
        <translation>打开模型文件夹(&amp;M)…</translation>
    </message>
    <message>
        <source>Load a different model folder (config.json, model.safetensors, tokenizer).</source>
        <translation>加载另一个模型文件夹（config.json、model.safetensors、分词器）。</translation>
    </message>
    <message>
        <source>&amp;Paste Image</source>
        <translation>粘贴图像(&amp;P)</translation>
    </message>
    <message>
        <source>Use the image on the clipboard as the input.</source>
        <translation>使用剪贴板中的图像作为输入。</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <source>Run the model now.</source>
        <translation>立即运行模型。</translation>
    </message>
    <message>
        <source>&amp;Cancel Run</source>
        <translation>取消运行(&amp;C)</translation>
    </message>
    <message>
        <source>Stop the run in progress.</source>
        <translation>停止正在进行的运行。</translation>
    </message>
    <message>
        <source>Run on Every &amp;Change</source>
        <translation>每次更改时运行(&amp;C)</translation>
    </message>
    <message>
        <source>Run again automatically whenever an input or threshold changes.</source>
        <translation>每当输入或阈值变化时自动重新运行。</translation>
    </message>
    <message>
        <source>&amp;Measure Full-Model Time</source>
        <translation>测量完整模型耗时(&amp;M)</translation>
    </message>
    <message>
        <source>After each run, also time the full model on the same input to measure the real saving.</source>
        <translation>每次运行后，还在相同输入上为完整模型计时，以测量实际节省。</translation>
    </message>
    <message>
        <source>&amp;Pin as Reference</source>
        <translation>固定为参照(&amp;P)</translation>
    </message>
    <message>
        <source>Keep this run as the reference drawn faintly under the next runs.</source>
        <translation>将此次运行保留为参照，以淡色绘制在后续运行之下。</translation>
    </message>
    <message>
        <source>Export &amp;Plot…</source>
        <translation>导出图表(&amp;P)…</translation>
    </message>
    <message>
        <source>Save the similarity plot as PNG or PDF.</source>
        <translation>将相似度图保存为 PNG 或 PDF。</translation>
    </message>
    <message>
        <source>Export Exit &amp;Diagram…</source>
        <translation>导出退出示意图(&amp;D)…</translation>
    </message>
    <message>
        <source>Save the exit diagram as a PNG image.</source>
        <translation>将退出示意图保存为 PNG 图像。</translation>
    </message>
    <message>
        <source>Export &amp;Trace…</source>
        <translation>导出轨迹(&amp;T)…</translation>
    </message>
    <message>
        <source>Save the run&apos;s trace as JSON (everything) or CSV (per-layer numbers).</source>
        <translation>将运行轨迹保存为 JSON（全部内容）或 CSV（逐层数值）。</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Close MuE Studio.</source>
        <translation>关闭 MuE Studio。</translation>
    </message>
    <message>
        <source>&amp;About MuE…</source>
        <translation>关于 MuE(&amp;A)…</translation>
    </message>
    <message>
        <source>How multiple early exiting works.</source>
        <translation>多重提前退出的工作原理。</translation>
    </message>
    <message>
        <source>Task: %1</source>
        <translation>任务：%1</translation>
    </message>
    <message>
        <source>Switch the task.</source>
        <translation>切换任务。</translation>
    </message>
    <message>
        <source>Edit &amp;Text</source>
        <translation>编辑文本(&amp;T)</translation>
    </message>
    <message>
        <source>Put the cursor in the text field.</source>
        <translation>将光标置于文本框中。</translation>
    </message>
    <message>
        <source>Restore This Run</source>
        <translation>恢复此次运行</translation>
    </message>
    <message>
        <source>Pin as Reference</source>
        <translation>固定为参照</translation>
    </message>
    <message>
        <source>Unpin Reference</source>
        <translation>取消固定参照</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Recent &amp;Images</source>
        <translation>最近的图像(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Samples</source>
        <translation>示例(&amp;S)</translation>
    </message>
    <message>
        <source>Recent Mo&amp;dels</source>
        <translation>最近的模型(&amp;D)</translation>
    </message>
    <message>
        <source>Clear &amp;History</source>
        <translation>清除历史记录(&amp;H)</translation>
    </message>
    <message>
        <source>Forget every run in the history table.</source>
        <translation>清除历史记录表中的所有运行。</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;System</source>
        <translation>跟随系统(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>浅色(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>深色(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 Qt(&amp;Q)</translation>
    </message>
    <message>
        <source>Loaded model %1</source>
        <translation>已加载模型 %1</translation>
    </message>
    <message>
        <source>Could not load the model folder %1: %2</source>
        <translation>无法加载模型文件夹 %1：%2</translation>
    </message>
    <message>
        <source>%1 — MuE Studio</source>
        <translation>%1 — MuE Studio</translation>
    </message>
    <message>
        <source>Could not open the image %1: %2</source>
        <translation>无法打开图像 %1：%2</translation>
    </message>
    <message>
        <source>The run failed: %1</source>
        <translation>运行失败：%1</translation>
    </message>
    <message>
        <source>Run cancelled.</source>
        <translation>已取消运行。</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; (exit %3)</source>
        <translation>%1：“%2”（退出层 %3）</translation>
    </message>
    <message>
        <source>Hypothesis, e.g. &quot;there is a red circle&quot;</source>
        <translation>假设，例如 &quot;there is a red circle&quot;</translation>
    </message>
    <message>
        <source>The statement the model judges against the image: yes (entailed), no (contradicted) or maybe (undecidable).</source>
        <translation>模型对照图像进行判断的陈述：yes（蕴含）、no（矛盾）或 maybe（无法判定）。</translation>
    </message>
    <message>
        <source>Not used: the model describes the image</source>
        <translation>不使用：模型将自行描述图像</translation>
    </message>
    <message>
        <source>Captioning uses the model&apos;s own prompt; no text is needed.</source>
        <translation>图像描述使用模型自带的提示，无需输入文本。</translation>
    </message>
    <message>
        <source>Prompt, e.g. &quot;what does the image describe?&quot;</source>
        <translation>提示，例如 &quot;what does the image describe?&quot;</translation>
    </message>
    <message>
        <source>Any instruction; the model generates the answer token by token.</source>
        <translation>任意指令；模型逐个词元生成回答。</translation>
    </message>
    <message>
        <source>Model: %1%2</source>
        <translation>模型：%1%2</translation>
    </message>
    <message>
        <source> (UNTRAINED)</source>
        <translation>（未训练）</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>无模型</translation>
    </message>
    <message numerus="yes">
        <source>CPU · %n thread(s)</source>
        <translation>
            <numerusform>CPU · %n 个线程</numerusform>
        </translation>
    </message>
    <message>
        <source>Last run %1 ms</source>
        <translation>上次运行 %1 ms</translation>
    </message>
    <message>
        <source>Open Image</source>
        <translation>打开图像</translation>
    </message>
    <message>
        <source>Open Model Folder</source>
        <translation>打开模型文件夹</translation>
    </message>
    <message>
        <source>The clipboard holds no image.</source>
        <translation>剪贴板中没有图像。</translation>
    </message>
    <message>
        <source>clipboard</source>
        <translation>剪贴板</translation>
    </message>
    <message>
        <source>dropped image</source>
        <translation>拖放的图像</translation>
    </message>
    <message>
        <source>Export Plot</source>
        <translation>导出图表</translation>
    </message>
    <message>
        <source>PNG image (*.png);;PDF document (*.pdf)</source>
        <translation>PNG 图像 (*.png);;PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>Export Exit Diagram</source>
        <translation>导出退出示意图</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>Export Trace</source>
        <translation>导出轨迹</translation>
    </message>
    <message>
        <source>JSON trace (*.json);;CSV per-layer table (*.csv)</source>
        <translation>JSON 轨迹 (*.json);;CSV 逐层表格 (*.csv)</translation>
    </message>
    <message>
        <source>Hypothesis: %1 (label: %2)</source>
        <translation>假设：%1（标签：%2）</translation>
    </message>
    <message>
        <source>References: %1</source>
        <translation>参考描述：%1</translation>
    </message>
    <message>
        <source>Cannot write the screenshot %1.</source>
        <translation>无法写入截图 %1。</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System Default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <source>What am I looking at?</source>
        <translation>我在看什么？</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;The input image.&lt;/b&gt; The overlay shows, for the layer on the slider, how much that layer still changed each image patch: yellow patches have settled, dark ones still change.&lt;/p&gt;&lt;p&gt;Layers after the image stream&apos;s exit did not run; the view marks them as skipped.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;输入图像。&lt;/b&gt;叠加层显示滑块所选的层对每个图像块仍有多大改变：黄色的图像块已趋于稳定，深色的仍在变化。&lt;/p&gt;&lt;p&gt;图像流退出之后的层没有运行，视图将其标为已跳过。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;The exit policy and its knobs.&lt;/b&gt; MuE stops each encoder stream after the first layer whose output is more similar to its input than the threshold (cosine similarity), and each decoded token likewise.&lt;/p&gt;&lt;p&gt;On small models the thresholds that matter lie between 0.99 and 0.999, so the sliders work on a log scale of 1 &amp;minus; threshold; type exact values in the boxes. Presets load the paper&apos;s and the released scripts&apos; settings; Advanced holds the schedule and the baselines&apos; parameters.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;退出策略及其参数。&lt;/b&gt;当某层输出与输入的余弦相似度超过阈值时，MuE 在该层之后停止相应的编码器流，每个解码的词元也是如此。&lt;/p&gt;&lt;p&gt;在小模型上起作用的阈值位于 0.99 到 0.999 之间，因此滑块按 1 &amp;minus; 阈值 的对数刻度移动；精确值请在输入框中输入。预设会载入论文和公开脚本的设置；“高级”中包含调度参数和基线的参数。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;How much each layer changed each stream.&lt;/b&gt; For every layer i the plot shows 1 &amp;minus; cos(h&lt;sub&gt;i&lt;/sub&gt;, h&lt;sub&gt;i&amp;minus;1&lt;/sub&gt;) on a log scale: lower means the layer changed the hidden state less.&lt;/p&gt;&lt;p&gt;A stream exits after the first layer whose point falls below its dashed threshold line. Drag a line to move that threshold; the run repeats at once. The decoder curve is the token chosen in the box above; its threshold decays over the answer.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;每一层对各流的改变有多大。&lt;/b&gt;图中对每一层 i 以对数刻度显示 1 &amp;minus; cos(h&lt;sub&gt;i&lt;/sub&gt;, h&lt;sub&gt;i&amp;minus;1&lt;/sub&gt;)：越低表示该层对隐藏状态的改变越小。&lt;/p&gt;&lt;p&gt;当某层的点首次落到其虚线阈值线以下时，该流在此层之后退出。拖动阈值线即可改变该阈值，运行会立即重新进行。解码器曲线对应上方框中选择的词元，其阈值随回答的推进而衰减。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Where everything exited.&lt;/b&gt; Each row is a stack of layers: the encoder&apos;s image and text streams, then one row per generated token in the decoder.&lt;/p&gt;&lt;p&gt;Filled boxes ran, the outlined box is where the exit fired, faint boxes were skipped; the numbers count the layers that ran.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;各处在哪里退出。&lt;/b&gt;每一行是一组层：编码器的图像流和文本流，然后是解码器中每个生成词元各占一行。&lt;/p&gt;&lt;p&gt;实心方块表示已运行，描边方块表示触发退出的层，浅色方块表示被跳过；右侧数字为已运行的层数。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;The answer.&lt;/b&gt; Each token&apos;s colour is the decoder layer it exited at: light ones left early. Hover a token to see what the shared output head predicted at every layer, that is, how the answer formed.&lt;/p&gt;&lt;p&gt;For entailment the bars are the probabilities of yes, no and maybe.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;回答。&lt;/b&gt;每个词元的颜色表示它在哪个解码器层退出：颜色越浅退出越早。将鼠标悬停在词元上，可以看到共享输出头在每一层的预测，也就是回答是如何形成的。&lt;/p&gt;&lt;p&gt;对于蕴含任务，条形表示 yes、no 和 maybe 的概率。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;What the exits saved&lt;/b&gt; against the full model on the same input: the expected reduction in layers (the paper&apos;s two definitions), the reduction in floating-point operations, and the measured compute time (the fastest of three rounds, measured in the background).&lt;/p&gt;</source>
        <translation>&lt;p&gt;与同一输入上的完整模型相比，&lt;b&gt;提前退出节省了多少&lt;/b&gt;：层数的期望缩减（论文中的两种定义）、浮点运算的缩减，以及实测计算时间（在后台测量三轮取最快值）。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Click a view to see what it shows.</source>
        <translation>点击某个视图，查看它显示的内容。</translation>
    </message>
    <message>
        <source>Guided &amp;Tour</source>
        <translation>导览(&amp;T)</translation>
    </message>
    <message>
        <source>A few steps through an easy and a hard scene: similarity, exits and savings.</source>
        <translation>通过一个简单场景和一个困难场景，几步了解相似度、退出和节省。</translation>
    </message>
    <message>
        <source>Welcome to MuE Studio</source>
        <translation>欢迎使用 MuE Studio</translation>
    </message>
    <message>
        <source>&lt;p&gt;A vision-language model reads an image and a text with a stack of encoder layers, then writes its answer token by token with a stack of decoder layers. &lt;b&gt;MuE&lt;/b&gt; lets each part stop early once its layers stop changing it.&lt;/p&gt;&lt;p&gt;This tour runs two built-in scenes, an easy and a hard one, and shows where and why the model exited. The window stays usable while it is open.&lt;/p&gt;</source>
        <translation>&lt;p&gt;视觉语言模型用一组编码器层读取图像和文本，再用一组解码器层逐个词元地写出回答。&lt;b&gt;MuE&lt;/b&gt; 让每个部分在其层不再改变它时提前停止。&lt;/p&gt;&lt;p&gt;本导览会运行两个内置场景（一个简单、一个困难），展示模型在哪里以及为何退出。导览打开期间，窗口仍可正常使用。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>An easy scene</source>
        <translation>简单场景</translation>
    </message>
    <message>
        <source>&lt;p&gt;The tour loaded an easy entailment scene and the paper&apos;s thresholds. Look at the &lt;b&gt;plot&lt;/b&gt;: each curve shows how much a layer still changed a stream. The image stream&apos;s curve falls below its dashed threshold line early, so it stopped there: a marker shows the exit.&lt;/p&gt;&lt;p&gt;The &lt;b&gt;exit diagram&lt;/b&gt; below shows the same as boxes: filled ones ran, the outlined one exited, faint ones were skipped.&lt;/p&gt;</source>
        <translation>&lt;p&gt;导览已载入一个简单的蕴含场景和论文的阈值。请看&lt;b&gt;图表&lt;/b&gt;：每条曲线显示某一层对一个流仍有多大改变。图像流的曲线很早就落到虚线阈值线以下，因此在那里停止，标记表示退出位置。&lt;/p&gt;&lt;p&gt;下方的&lt;b&gt;退出示意图&lt;/b&gt;用方块表示同样的内容：实心为已运行，描边为退出处，浅色为已跳过。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>The answer and the decoder</source>
        <translation>回答与解码器</translation>
    </message>
    <message>
        <source>&lt;p&gt;The &lt;b&gt;output&lt;/b&gt; shows the answer; its colour is the decoder layer it exited at. Hover it to see what every decoder layer would have answered: the layer-wise training makes early layers usable.&lt;/p&gt;&lt;p&gt;For entailment the bars show the probabilities of yes, no and maybe.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;输出&lt;/b&gt;显示回答，其颜色表示它在哪个解码器层退出。将鼠标悬停其上，可以看到每个解码器层会给出什么回答：逐层训练使较早的层也可用。&lt;/p&gt;&lt;p&gt;对于蕴含任务，条形显示 yes、no 和 maybe 的概率。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>A hard scene</source>
        <translation>困难场景</translation>
    </message>
    <message>
        <source>&lt;p&gt;Now a crowded captioning scene. More objects, smaller shapes and clutter: the streams need more layers before they settle, and the diagram gets one decoder row per word, each with its own exit.&lt;/p&gt;&lt;p&gt;Pick a word in &lt;i&gt;Decoder curve for token&lt;/i&gt; above the plot to see its curve.&lt;/p&gt;</source>
        <translation>&lt;p&gt;接下来是一个拥挤的图像描述场景。物体更多、形状更小、干扰更多：各流需要更多层才能稳定，示意图中每个词都有一行解码器，各自独立退出。&lt;/p&gt;&lt;p&gt;在图表上方的“解码器曲线对应词元”中选择一个词，即可查看它的曲线。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>What it saved</source>
        <translation>节省了多少</translation>
    </message>
    <message>
        <source>&lt;p&gt;The &lt;b&gt;savings&lt;/b&gt; panel compares with the full model on the same input: layers saved (the paper&apos;s two definitions), floating-point operations saved, and the compute time measured in the background.&lt;/p&gt;&lt;p&gt;Easy inputs save more than hard ones: that is the point of exiting per input.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;节省&lt;/b&gt;面板与同一输入上的完整模型比较：节省的层数（论文的两种定义）、节省的浮点运算，以及在后台测得的计算时间。&lt;/p&gt;&lt;p&gt;简单输入比困难输入节省更多：这正是按输入退出的意义所在。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Your turn</source>
        <translation>动手试试</translation>
    </message>
    <message>
        <source>&lt;p&gt;Drag a dashed threshold line, or a slider on the left, and watch the exits, the answer and the savings follow. Pin a run (Ctrl+P) to keep it on the plot for comparison.&lt;/p&gt;&lt;p&gt;The &lt;b&gt;Data set&lt;/b&gt; tab shows what a threshold does over hundreds of scenes. Every view has a &lt;b&gt;?&lt;/b&gt; that explains it.&lt;/p&gt;</source>
        <translation>&lt;p&gt;拖动虚线阈值线或左侧的滑块，观察退出、回答和节省如何随之变化。固定一次运行（Ctrl+P）可将其保留在图表上以便比较。&lt;/p&gt;&lt;p&gt;&lt;b&gt;数据集&lt;/b&gt;页展示阈值在数百个场景上的作用。每个视图都有一个 &lt;b&gt;?&lt;/b&gt; 用于解释它。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Open &amp;Session…</source>
        <translation>打开会话(&amp;S)…</translation>
    </message>
    <message>
        <source>Restore a saved session: inputs, thresholds, history and sweeps.</source>
        <translation>恢复已保存的会话：输入、阈值、历史和扫描。</translation>
    </message>
    <message>
        <source>Open Session</source>
        <translation>打开会话</translation>
    </message>
    <message>
        <source>MuE Studio session (*.json);;All files (*)</source>
        <translation>MuE Studio 会话 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Save Session &amp;As…</source>
        <translation>会话另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>Save inputs, thresholds, the run history and the data-set sweep in one JSON file.</source>
        <translation>将输入、阈值、运行历史和数据集扫描保存到一个 JSON 文件中。</translation>
    </message>
    <message>
        <source>Save Session</source>
        <translation>保存会话</translation>
    </message>
    <message>
        <source>MuE Studio session (*.json)</source>
        <translation>MuE Studio 会话 (*.json)</translation>
    </message>
    <message>
        <source>Saved the session to %1</source>
        <translation>已将会话保存到 %1</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>its model folder %1 is missing; the saved runs are shown, new runs use the current model</source>
        <translation>其模型文件夹 %1 不存在；已显示保存的运行，新的运行使用当前模型</translation>
    </message>
    <message>
        <source>Opened %1, but %2.</source>
        <translation>已打开 %1，但%2。</translation>
    </message>
    <message>
        <source>Opened the session %1</source>
        <translation>已打开会话 %1</translation>
    </message>
</context>
<context>
    <name>mue::widgets::ExitDiagram</name>
    <message>
        <source>ran</source>
        <translation>已运行</translation>
    </message>
    <message>
        <source>ran; exited after this layer</source>
        <translation>已运行；在此层之后退出</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <source>ran for the what-if trace; a real run skips it</source>
        <translation>为推演轨迹而运行；实际运行会跳过此层</translation>
    </message>
    <message>
        <source>decoder, token %1</source>
        <translation>解码器，词元 %1</translation>
    </message>
    <message>
        <source>%1, layer %2: %3</source>
        <translation>%1，第 %2 层：%3</translation>
    </message>
    <message>
        <source>cos(h_i, h_i-1) = %1   (1 - cos = %2)</source>
        <translation>cos(h_i, h_i-1) = %1   (1 - cos = %2)</translation>
    </message>
    <message>
        <source>threshold %1</source>
        <translation>阈值 %1</translation>
    </message>
    <message>
        <source>exit layer</source>
        <translation>退出层</translation>
    </message>
    <message>
        <source>ran past the exit (what-if)</source>
        <translation>越过退出点继续运行（推演）</translation>
    </message>
    <message>
        <source>No run to show yet</source>
        <translation>尚无可显示的运行结果</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Encoder (joint: image and text in one stream)</source>
        <translation>编码器（联合：图像与文本在同一个流中）</translation>
    </message>
    <message>
        <source>Encoder</source>
        <translation>编码器</translation>
    </message>
    <message>
        <source>Decoder (one row per generated token)</source>
        <translation>解码器（每个生成的词元一行）</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
</context>
<context>
    <name>mue::widgets::Palette</name>
    <message>
        <source>joint encoder</source>
        <translation>联合编码器</translation>
    </message>
    <message>
        <source>image encoder</source>
        <translation>图像编码器</translation>
    </message>
    <message>
        <source>text encoder</source>
        <translation>文本编码器</translation>
    </message>
    <message>
        <source>decoder</source>
        <translation>解码器</translation>
    </message>
</context>
<context>
    <name>mue::widgets::PatchHeatmapView</name>
    <message>
        <source>still changing</source>
        <translation>仍在变化</translation>
    </message>
    <message>
        <source>1 - cos to the layer below</source>
        <translation>相对下一层的 1 - cos</translation>
    </message>
    <message>
        <source>settled</source>
        <translation>已稳定</translation>
    </message>
    <message>
        <source>Each patch coloured by how much it changed in this layer; hover for its cosine.</source>
        <translation>每个图像块按其在此层中的变化量着色；悬停可查看其余弦值。</translation>
    </message>
    <message>
        <source>The encoder layer shown, of the image stream&apos;s layers, and where the stream exited.</source>
        <translation>当前显示的编码器层（位于图像流各层中的第几层）以及该流的退出位置。</translation>
    </message>
    <message>
        <source>Steps through the image encoder&apos;s layers; those after the exit were skipped.</source>
        <translation>逐层浏览图像编码器的各层；退出点之后的层已被跳过。</translation>
    </message>
    <message>
        <source>patch row %1, column %2</source>
        <translation>图像块：第 %1 行，第 %2 列</translation>
    </message>
    <message>
        <source>cos to layer %1: %2   (1 - cos = %3)</source>
        <translation>与第 %1 层的 cos：%2   (1 - cos = %3)</translation>
    </message>
    <message>
        <source>layer %1 did not run</source>
        <translation>第 %1 层未运行</translation>
    </message>
    <message>
        <source>No run to show yet</source>
        <translation>尚无可显示的运行结果</translation>
    </message>
    <message>
        <source>What-if trace: a real run skips layer %1
(the stream exited after layer %2)</source>
        <translation>推演轨迹：实际运行会跳过第 %1 层
（该流在第 %2 层之后退出）</translation>
    </message>
    <message>
        <source>Layer %1 was skipped
(the %2 stream exited after layer %3)</source>
        <translation>第 %1 层已被跳过
（%2流在第 %3 层之后退出）</translation>
    </message>
    <message>
        <source>joint</source>
        <translation>联合</translation>
    </message>
    <message>
        <source>image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>No per-patch data</source>
        <translation>没有逐图像块的数据</translation>
    </message>
    <message>
        <source>no layers</source>
        <translation>无层</translation>
    </message>
    <message>
        <source>exited at %1</source>
        <translation>在第 %1 层退出</translation>
    </message>
    <message>
        <source>ran every layer</source>
        <translation>运行了所有层</translation>
    </message>
    <message>
        <source>layer %1 of %2 (%3)</source>
        <translation>第 %1 层，共 %2 层（%3）</translation>
    </message>
</context>
<context>
    <name>mue::widgets::SavingsPanel</name>
    <message>
        <source>&lt;b&gt;Reduction vs. the full model&lt;/b&gt;</source>
        <translation>&lt;b&gt;相对完整模型的缩减&lt;/b&gt;</translation>
    </message>
    <message>
        <source>How much of the full model&apos;s work this run skipped, by four definitions.</source>
        <translation>按四种定义计算，此次运行跳过了完整模型多少工作量。</translation>
    </message>
    <message>
        <source>Layers each stream ran out of its total; for the decoder, the mean over the generated tokens.</source>
        <translation>每个流在其全部层中运行的层数；解码器取所有生成词元的平均值。</translation>
    </message>
    <message>
        <source>Expected (mean)</source>
        <translation>期望（均值）</translation>
    </message>
    <message>
        <source>Expected (token-weighted)</source>
        <translation>期望（按词元加权）</translation>
    </message>
    <message>
        <source>FLOPs</source>
        <translation>FLOPs</translation>
    </message>
    <message>
        <source>Measured wall time</source>
        <translation>实测墙钟时间</translation>
    </message>
    <message>
        <source>The paper&apos;s count in layers: 1 - ((p + q)/2 + mean decoder layers) / (encoder + decoder layers), the image and text streams counted equally.</source>
        <translation>论文按层数的计算：1 - ((p + q)/2 + 解码器平均层数) / (编码器层数 + 解码器层数)，图像流与文本流同等计数。</translation>
    </message>
    <message>
        <source>As the mean definition, but the image and text streams&apos; layers are weighted by their token counts.</source>
        <translation>与均值定义相同，但图像流和文本流的层按各自的词元数加权。</translation>
    </message>
    <message>
        <source>1 - FLOPs used / the full model&apos;s FLOPs, from analytic counts of the stem, every layer run and the output head.</source>
        <translation>1 - 所用 FLOPs / 完整模型的 FLOPs，基于对 stem、每个已运行的层和输出头的解析计数。</translation>
    </message>
    <message>
        <source>1 - compute time / the full model&apos;s compute time on the same input, preprocessing left out; needs a comparison run with the full model.</source>
        <translation>1 - 计算时间 / 完整模型在相同输入上的计算时间，不含预处理；需要用完整模型进行一次对比运行。</translation>
    </message>
    <message>
        <source>Layers run: %1</source>
        <translation>已运行层数：%1</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>%1 vs %2 (full model)</source>
        <translation>%1 对比 %2（完整模型）</translation>
    </message>
    <message>
        <source>%1 compute</source>
        <translation>计算 %1</translation>
    </message>
    <message>
        <source>measuring…</source>
        <translation>测量中…</translation>
    </message>
    <message>
        <source>running the full model for comparison</source>
        <translation>正在运行完整模型以作对比</translation>
    </message>
    <message>
        <source>turn on the comparison run to measure</source>
        <translation>开启对比运行以进行测量</translation>
    </message>
    <message>
        <source>joint encoder</source>
        <translation>联合编码器</translation>
    </message>
    <message>
        <source>image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>decoder mean %1/%2</source>
        <translation>解码器平均 %1/%2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
</context>
<context>
    <name>mue::widgets::SimilarityPlot</name>
    <message>
        <source>Layer-to-layer change of each stream</source>
        <translation>各流的层间变化</translation>
    </message>
    <message>
        <source>layer i</source>
        <translation>层 i</translation>
    </message>
    <message>
        <source>1 - cos(h_i, h_i-1)   (log scale)</source>
        <translation>1 - cos(h_i, h_i-1)   （对数刻度）</translation>
    </message>
    <message>
        <source>cos</source>
        <translation>cos</translation>
    </message>
    <message>
        <source>decoder, token %1 &quot;%2&quot;</source>
        <translation>解码器，词元 %1 “%2”</translation>
    </message>
    <message>
        <source>decoder</source>
        <translation>解码器</translation>
    </message>
    <message>
        <source>joint</source>
        <translation>联合</translation>
    </message>
    <message>
        <source>image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>%1 exit: layer %2</source>
        <translation>%1 退出：第 %2 层</translation>
    </message>
    <message>
        <source>%1 (reference %2)</source>
        <translation>%1（参照 %2）</translation>
    </message>
    <message>
        <source>%1 threshold %2</source>
        <translation>%1 阈值 %2</translation>
    </message>
</context>
<context>
    <name>mue::widgets::ThresholdPanel</name>
    <message>
        <source>Paper (appendix)</source>
        <translation>论文（附录）</translation>
    </message>
    <message>
        <source>MuE with the paper appendix&apos;s thresholds 0.90 / 0.95 / 0.95, beta 0.95, tau 1, no warm-up.</source>
        <translation>采用论文附录阈值的 MuE：0.90 / 0.95 / 0.95，beta 0.95，tau 1，无预热。</translation>
    </message>
    <message>
        <source>Released SNLI-VE script</source>
        <translation>已发布的 SNLI-VE 脚本</translation>
    </message>
    <message>
        <source>MuE as the authors&apos; released SNLI-VE script: 0.70 / 0.99 / 0.70, beta 0.9, warm-up 1/3.</source>
        <translation>与作者发布的 SNLI-VE 脚本一致的 MuE：0.70 / 0.99 / 0.70，beta 0.9，预热 1/3。</translation>
    </message>
    <message>
        <source>Released captioning script</source>
        <translation>已发布的图像描述脚本</translation>
    </message>
    <message>
        <source>MuE as the authors&apos; released captioning script: 0.99 / 0.70 / 0.90, beta 0.9, warm-up 1/3.</source>
        <translation>与作者发布的图像描述脚本一致的 MuE：0.99 / 0.70 / 0.90，beta 0.9，预热 1/3。</translation>
    </message>
    <message>
        <source>No exits</source>
        <translation>不退出</translation>
    </message>
    <message>
        <source>The full model: every layer of every stream runs.</source>
        <translation>完整模型：运行每个流的每一层。</translation>
    </message>
    <message>
        <source>No exits (full model)</source>
        <translation>不退出（完整模型）</translation>
    </message>
    <message>
        <source>Runs every layer: the reference the savings compare with.</source>
        <translation>运行所有层：作为计算节省量的对比基准。</translation>
    </message>
    <message>
        <source>MuE</source>
        <translation>MuE</translation>
    </message>
    <message>
        <source>Image and text encoder streams each exit on their own similarity threshold, decoder tokens on the decaying schedule Theta(t).</source>
        <translation>图像和文本编码器流各自按自己的相似度阈值退出，解码器词元按衰减调度 Theta(t) 退出。</translation>
    </message>
    <message>
        <source>Joint</source>
        <translation>联合</translation>
    </message>
    <message>
        <source>One similarity exit over the joint [image; text] encoder (MuE without decomposition).</source>
        <translation>在联合 [图像; 文本] 编码器上使用单一的相似度退出（不分解的 MuE）。</translation>
    </message>
    <message>
        <source>Static</source>
        <translation>静态</translation>
    </message>
    <message>
        <source>Fixed layer counts for the image, text and decoder streams (set under Advanced).</source>
        <translation>图像、文本和解码器流使用固定层数（在“高级”中设置）。</translation>
    </message>
    <message>
        <source>DeeBERT</source>
        <translation>DeeBERT</translation>
    </message>
    <message>
        <source>Decoder tokens exit when the shared head&apos;s entropy falls below a threshold; the encoder runs fully.</source>
        <translation>当共享输出头的熵低于阈值时，解码器词元退出；编码器完整运行。</translation>
    </message>
    <message>
        <source>PABEE</source>
        <translation>PABEE</translation>
    </message>
    <message>
        <source>Decoder tokens exit once the head&apos;s prediction stays the same for `patience` layers; the encoder runs fully.</source>
        <translation>当输出头的预测连续 `patience` 层保持不变时，解码器词元退出；编码器完整运行。</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <source>Decoder tokens exit when the head&apos;s top probability exceeds a threshold (CALM); the encoder runs fully.</source>
        <translation>当输出头的最高概率超过阈值时，解码器词元退出（CALM）；编码器完整运行。</translation>
    </message>
    <message>
        <source>The image encoder stream exits after the first layer whose similarity to the previous one exceeds this.</source>
        <translation>图像编码器流在与前一层的相似度首次超过此值的那一层之后退出。</translation>
    </message>
    <message>
        <source>The text encoder stream exits after the first layer whose similarity to the previous one exceeds this.</source>
        <translation>文本编码器流在与前一层的相似度首次超过此值的那一层之后退出。</translation>
    </message>
    <message>
        <source>Theta in the decoder schedule Theta(t) = beta*theta + (1-beta)*exp(-tau*t/N); 1 turns decoder exits off.</source>
        <translation>解码器调度 Theta(t) = beta*theta + (1-beta)*exp(-tau*t/N) 中的 Theta；设为 1 即关闭解码器退出。</translation>
    </message>
    <message>
        <source>Image encoder layers the Static policy runs (all = every layer).</source>
        <translation>静态策略运行的图像编码器层数（全部 = 所有层）。</translation>
    </message>
    <message>
        <source>Text encoder layers the Static policy runs (all = every layer).</source>
        <translation>静态策略运行的文本编码器层数（全部 = 所有层）。</translation>
    </message>
    <message>
        <source>Decoder layers per token the Static policy runs (all = every layer).</source>
        <translation>静态策略每个词元运行的解码器层数（全部 = 所有层）。</translation>
    </message>
    <message>
        <source>The slider&apos;s log scale: each mark is ten times closer to 1.</source>
        <translation>滑块的对数刻度：每个刻度都比前一个接近 1 十倍。</translation>
    </message>
    <message>
        <source>Chooses how layers are skipped: MuE, a baseline, or no exits at all.</source>
        <translation>选择跳过层的方式：MuE、某种基线方法，或完全不退出。</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>策略</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <source>The settings match no preset; choose one to apply it.</source>
        <translation>当前设置与任何预设都不匹配；选择一个预设即可应用。</translation>
    </message>
    <message>
        <source>Applies a published set of thresholds; shows Custom once you change any of them.</source>
        <translation>应用一组已发表的阈值；修改其中任一项后显示为“自定义”。</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>&lt;b&gt;Similarity thresholds&lt;/b&gt; &amp;nbsp;(exit when cos(h&lt;sub&gt;i&lt;/sub&gt;, h&lt;sub&gt;i-1&lt;/sub&gt;) &amp;gt; threshold)</source>
        <translation>&lt;b&gt;相似度阈值&lt;/b&gt; &amp;nbsp;（当 cos(h&lt;sub&gt;i&lt;/sub&gt;, h&lt;sub&gt;i-1&lt;/sub&gt;) &amp;gt; 阈值时退出）</translation>
    </message>
    <message>
        <source>A stream stops after the first layer whose state barely changed: the closer to 1, the later it exits.</source>
        <translation>流会在状态几乎不再变化的第一层之后停止：越接近 1，退出越晚。</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>高级</translation>
    </message>
    <message>
        <source>Shows or hides the decoder schedule, the KV policy and the baselines&apos; settings.</source>
        <translation>显示或隐藏解码器调度、KV 策略以及各基线方法的设置。</translation>
    </message>
    <message>
        <source>Drag to set the threshold on a log scale of 1 - threshold: each tick is ten times closer to 1.</source>
        <translation>拖动以在 1 - 阈值 的对数刻度上设置阈值：每个刻度都比前一个接近 1 十倍。</translation>
    </message>
    <message>
        <source>The exact threshold; type a value or step by 0.0005.</source>
        <translation>精确阈值；可直接输入数值，或以 0.0005 为步长调整。</translation>
    </message>
    <message>
        <source>Weight of theta in Theta(t); the rest decays from 1 with the step (MuE and Joint).</source>
        <translation>theta 在 Theta(t) 中的权重；其余部分随步数从 1 开始衰减（MuE 和联合）。</translation>
    </message>
    <message>
        <source>How fast the decoder threshold decays with the step t (MuE and Joint).</source>
        <translation>解码器阈值随步数 t 衰减的速度（MuE 和联合）。</translation>
    </message>
    <message>
        <source>The first floor(fraction * N) decoding steps never exit (MuE and Joint; released scripts: 1/3).</source>
        <translation>前 floor(fraction * N) 个解码步从不退出（MuE 和联合；已发布脚本：1/3）。</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>propagate</source>
        <translation>传播</translation>
    </message>
    <message>
        <source>Skipped layers store nothing; later tokens attend over fewer keys (released code).</source>
        <translation>跳过的层不存储任何内容；后续词元在更少的键上进行注意力计算（已发布代码）。</translation>
    </message>
    <message>
        <source>The exit layer&apos;s keys and values are copied into every skipped layer.</source>
        <translation>将退出层的键和值复制到每个被跳过的层。</translation>
    </message>
    <message>
        <source>The exit state computes each skipped layer&apos;s keys and values (CALM).</source>
        <translation>由退出时的状态计算每个被跳过层的键和值（CALM）。</translation>
    </message>
    <message>
        <source>What decoder layers skipped by an exited token store for later tokens to attend to.</source>
        <translation>已退出词元所跳过的解码器层为后续词元的注意力计算存储什么。</translation>
    </message>
    <message>
        <source>The Joint policy&apos;s single encoder exit threshold (also the image row under Joint).</source>
        <translation>联合策略的单一编码器退出阈值（在联合策略下也显示为图像行）。</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>DeeBERT: a token exits when the head&apos;s entropy falls below this many nats.</source>
        <translation>DeeBERT：当输出头的熵低于此值（单位为 nat）时，词元退出。</translation>
    </message>
    <message>
        <source> nats</source>
        <translation> nat</translation>
    </message>
    <message>
        <source>PABEE: a token exits once the head&apos;s prediction is unchanged for this many layers.</source>
        <translation>PABEE：当输出头的预测连续这么多层保持不变时，词元退出。</translation>
    </message>
    <message>
        <source>Confidence: a token exits when the head&apos;s top probability exceeds this.</source>
        <translation>置信度：当输出头的最高概率超过此值时，词元退出。</translation>
    </message>
    <message>
        <source>beta</source>
        <translation>beta</translation>
    </message>
    <message>
        <source>tau</source>
        <translation>tau</translation>
    </message>
    <message>
        <source>Warm-up fraction</source>
        <translation>预热比例</translation>
    </message>
    <message>
        <source>KV policy</source>
        <translation>KV 策略</translation>
    </message>
    <message>
        <source>Joint threshold</source>
        <translation>联合阈值</translation>
    </message>
    <message>
        <source>Static image layers</source>
        <translation>静态：图像层数</translation>
    </message>
    <message>
        <source>Static text layers</source>
        <translation>静态：文本层数</translation>
    </message>
    <message>
        <source>Static decoder layers</source>
        <translation>静态：解码器层数</translation>
    </message>
    <message>
        <source>DeeBERT entropy</source>
        <translation>DeeBERT 熵</translation>
    </message>
    <message>
        <source>PABEE patience</source>
        <translation>PABEE 耐心值</translation>
    </message>
    <message>
        <source>Confidence threshold</source>
        <translation>置信度阈值</translation>
    </message>
    <message>
        <source>joint</source>
        <translation>联合</translation>
    </message>
    <message>
        <source>image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>decoder</source>
        <translation>解码器</translation>
    </message>
</context>
<context>
    <name>mue::widgets::TokenOutputView</name>
    <message>
        <source>The generated tokens, coloured by the decoder layer each one exited at; hover a token for details, click it to plot its similarity.</source>
        <translation>生成的词元，按各自退出时所在的解码器层着色；悬停可查看详情，单击可绘制其相似度。</translation>
    </message>
    <message>
        <source>threshold Θ(t) = 1: no exit at this step (warm-up, or decoder exits off)</source>
        <translation>阈值 Θ(t) = 1：此步不退出（处于预热阶段，或解码器退出已关闭）</translation>
    </message>
    <message>
        <source>threshold Θ(t) = %1 (exit when cos(h&lt;sub&gt;i&lt;/sub&gt;, h&lt;sub&gt;i-1&lt;/sub&gt;) &amp;gt; Θ)</source>
        <translation>阈值 Θ(t) = %1（当 cos(h&lt;sub&gt;i&lt;/sub&gt;, h&lt;sub&gt;i-1&lt;/sub&gt;) &amp;gt; Θ 时退出）</translation>
    </message>
    <message>
        <source>fixed depth: %1 layers</source>
        <translation>固定深度：%1 层</translation>
    </message>
    <message>
        <source>exit when the head&apos;s entropy &amp;lt; %1 nats</source>
        <translation>当输出头的熵 &amp;lt; %1 nat 时退出</translation>
    </message>
    <message>
        <source>exit when the prediction is unchanged for %1 layers</source>
        <translation>当预测连续 %1 层不变时退出</translation>
    </message>
    <message>
        <source>exit when the head&apos;s top probability &amp;gt; %1</source>
        <translation>当输出头的最高概率 &amp;gt; %1 时退出</translation>
    </message>
    <message>
        <source>no exits (full model)</source>
        <translation>不退出（完整模型）</translation>
    </message>
    <message>
        <source>(the scoring pass)</source>
        <translation>（评分前向传递）</translation>
    </message>
    <message>
        <source>step %1</source>
        <translation>第 %1 步</translation>
    </message>
    <message>
        <source>exit layer %1 of %2</source>
        <translation>退出层 %1 / %2</translation>
    </message>
    <message>
        <source> (exited)</source>
        <translation>（已退出）</translation>
    </message>
    <message>
        <source> (ran every layer)</source>
        <translation>（运行了所有层）</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>the head&apos;s top predictions</source>
        <translation>输出头的最高预测</translation>
    </message>
    <message>
        <source>Softmax over the candidate answers at the last prompt position: %1</source>
        <translation>在提示最后一个位置上对候选答案的 softmax：%1</translation>
    </message>
    <message>
        <source>exit layer</source>
        <translation>退出层</translation>
    </message>
    <message>
        <source>(light = exited early, dark = ran every layer)</source>
        <translation>（浅色 = 提前退出，深色 = 运行了所有层）</translation>
    </message>
    <message>
        <source>No output yet</source>
        <translation>尚无输出</translation>
    </message>
    <message>
        <source>Answer: </source>
        <translation>回答：</translation>
    </message>
    <message>
        <source>one scoring pass: exit layer %1 of %2</source>
        <translation>单次评分前向传递：退出层 %1 / %2</translation>
    </message>
</context>
</TS>
