<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja">
<context>
    <name>EngineWorker</name>
    <message>
        <source>No model is loaded.</source>
        <translation>モデルが読み込まれていません。</translation>
    </message>
</context>
<context>
    <name>SampleGallery</name>
    <message>
        <source>Entailment, difficulty %1 (%2)</source>
        <translation>含意、難易度 %1（%2）</translation>
    </message>
    <message>
        <source>Caption, difficulty %1 (%2)</source>
        <translation>キャプション、難易度 %1（%2）</translation>
    </message>
</context>
<context>
    <name>StudioOptions</name>
    <message>
        <source>MuE Studio: see where a vision-language model&apos;s image stream, text stream and every decoded token exit early, and tune the thresholds by hand.</source>
        <translation>MuE Studio: 視覚言語モデルの画像ストリーム、テキストストリーム、デコードされる各トークンがどこで早期終了するかを確認し、閾値を手動で調整します。</translation>
    </message>
    <message>
        <source>Image to open (PNG, JPEG, BMP, TIFF, WebP, ...).</source>
        <translation>開く画像（PNG、JPEG、BMP、TIFF、WebP など）。</translation>
    </message>
    <message>
        <source>Model folder to load (default: the embedded model).</source>
        <translation>読み込むモデルフォルダ（既定: 組み込みモデル）。</translation>
    </message>
    <message>
        <source>Visual entailment with this hypothesis.</source>
        <translation>この仮説で視覚的含意を判定します。</translation>
    </message>
    <message>
        <source>Caption the image.</source>
        <translation>画像のキャプションを生成します。</translation>
    </message>
    <message>
        <source>Answer this free prompt about the image.</source>
        <translation>画像についてのこの自由プロンプトに回答します。</translation>
    </message>
    <message>
        <source>MuE thresholds for the image stream, text stream and decoder, e.g. 0.99,0.99,0.99.</source>
        <translation>画像ストリーム、テキストストリーム、デコーダの MuE 閾値（例: 0.99,0.99,0.99）。</translation>
    </message>
    <message>
        <source>LibTorch intra-op threads (default 1: more threads oversubscribe a small machine).</source>
        <translation>LibTorch の演算内スレッド数（既定 1: スレッドを増やすと小さなマシンでは過剰割り当てになります）。</translation>
    </message>
    <message>
        <source>Colour theme: system, light or dark.</source>
        <translation>配色テーマ: system、light、dark のいずれか。</translation>
    </message>
    <message>
        <source>Run once, save the window as a PNG image to FILE and exit.</source>
        <translation>1 回実行し、ウィンドウを PNG 画像として FILE に保存して終了します。</translation>
    </message>
    <message>
        <source>User-interface language, e.g. en, ja, zh_CN.</source>
        <translation>ユーザーインターフェースの言語（例: en、ja、zh_CN）。</translation>
    </message>
    <message>
        <source>expected at most one IMAGE, got %1 arguments: %2</source>
        <translation>IMAGE は 1 つまでですが、%1 個の引数が指定されました: %2</translation>
    </message>
    <message>
        <source>--hypothesis, --caption and --prompt exclude each other</source>
        <translation>--hypothesis、--caption、--prompt は同時に指定できません</translation>
    </message>
    <message>
        <source>--thresholds expects three numbers in [-1, 1] separated by commas (image,text,decoder), got &apos;%1&apos;</source>
        <translation>--thresholds には [-1, 1] の範囲の数値 3 つをカンマ区切り（image,text,decoder）で指定してください。指定値: &apos;%1&apos;</translation>
    </message>
    <message>
        <source>--threads expects a whole number from 1 to %1, got &apos;%2&apos;</source>
        <translation>--threads には 1 から %1 までの整数を指定してください。指定値: &apos;%2&apos;</translation>
    </message>
    <message>
        <source>--theme expects system, light or dark, got &apos;%1&apos;</source>
        <translation>--theme には system、light、dark のいずれかを指定してください。指定値: &apos;%1&apos;</translation>
    </message>
    <message>
        <source>Open a sweep written by `mue sweep --out PREFIX` (PREFIX.json) in the data-set workspace.</source>
        <translation>`mue sweep --out PREFIX` が書き出したスイープ（PREFIX.json）をデータセットワークスペースで開きます。</translation>
    </message>
    <message>
        <source>Restore a session saved with File &gt; Save Session As.</source>
        <translation>「ファイル &gt; 名前を付けてセッションを保存」で保存したセッションを復元します。</translation>
    </message>
</context>
<context>
    <name>TraceExport</name>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 に書き込めません: %2</translation>
    </message>
    <message>
        <source>Cannot write %1.</source>
        <translation>%1 に書き込めません。</translation>
    </message>
</context>
<context>
    <name>mue::studio::AboutDialog</name>
    <message>
        <source>About MuE</source>
        <translation>MuE について</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Multiple early exiting (MuE)&lt;/h2&gt;&lt;p&gt;A unified vision-language model such as OFA reads an image and a text with a stack of encoder layers, then writes its answer token by token with a stack of decoder layers. Not every input needs every layer: on an easy input the hidden states stop changing early. &lt;b&gt;MuE&lt;/b&gt; (Tang et al., CVPR 2023) stops each part of the computation as soon as further layers would not change much.&lt;/p&gt;&lt;p&gt;&lt;img src=&quot;mue://figure&quot;&gt;&lt;/p&gt;&lt;p&gt;&lt;i&gt;Figure: an illustration of where MuE exits. Filled boxes ran, the outlined box is where the exit fired, faint boxes were skipped.&lt;/i&gt;&lt;/p&gt;&lt;h3&gt;Three kinds of exit&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;Image stream&lt;/b&gt; and &lt;b&gt;text stream&lt;/b&gt;: the encoder runs the two modalities separately (decomposed) so that each can exit on its own. After layer &lt;i&gt;i&lt;/i&gt; a stream stops when the cosine similarity of its hidden states before and after that layer exceeds its threshold: the layer barely changed it.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Decoder&lt;/b&gt;: every generated token exits on its own, after the first decoder layer whose state is similar enough to the previous layer&apos;s. The threshold decays over the answer, &amp;Theta;(t) = &amp;beta;&amp;theta; + (1 &amp;minus; &amp;beta;) e&lt;sup&gt;&amp;minus;&amp;tau;t/N&lt;/sup&gt;, so later tokens may exit earlier.&lt;/li&gt;&lt;/ul&gt;&lt;p&gt;A model fine-tuned with a loss at &lt;i&gt;every&lt;/i&gt; decoder layer (MuE&apos;s layer-wise loss) can answer from any of them, which is what makes the decoder exits safe.&lt;/p&gt;&lt;h3&gt;What the window shows&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;Similarity plot&lt;/b&gt;: 1 &amp;minus; cos between consecutive layers for each stream, on a log scale. The dashed lines are the thresholds; drag one and the run repeats with the new value.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Exit diagram&lt;/b&gt;: the layer stacks of every stream and every decoded token: what ran, where it exited, what was skipped.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Output&lt;/b&gt;: each token coloured by the layer it exited at; hover it to see what the shared head predicted at each layer.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Image&lt;/b&gt;: per image patch, how much the chosen layer still changed it.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Savings&lt;/b&gt;: the expected reduction in layers (the paper&apos;s two definitions), the reduction in floating-point operations, and the measured wall time against the full model on the same input.&lt;/li&gt;&lt;/ul&gt;&lt;p&gt;Reference: Shengkun Tang et al. &lt;i&gt;You Need Multiple Exiting: Dynamic Early Exiting for Accelerating Unified Vision Language Model.&lt;/i&gt; CVPR 2023.&lt;/p&gt;&lt;p&gt;MuE Studio is free software under the GNU General Public License, version 3 or later.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;多重早期終了（MuE）&lt;/h2&gt;&lt;p&gt;OFA のような統合型の視覚言語モデルは、画像とテキストをエンコーダ層の積み重ねで読み取り、デコーダ層の積み重ねで回答をトークンごとに書き出します。すべての入力がすべての層を必要とするわけではありません。易しい入力では、隠れ状態は早い段階で変化しなくなります。&lt;b&gt;MuE&lt;/b&gt;（Tang ら、CVPR 2023）は、それ以上層を重ねてもほとんど変化しなくなった時点で、計算の各部分をそれぞれ停止します。&lt;/p&gt;&lt;p&gt;&lt;img src=&quot;mue://figure&quot;&gt;&lt;/p&gt;&lt;p&gt;&lt;i&gt;図: MuE がどこで終了するかの例。塗りつぶされた箱は実行された層、輪郭だけの箱は終了が発動した層、薄い箱はスキップされた層です。&lt;/i&gt;&lt;/p&gt;&lt;h3&gt;3 種類の終了&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;画像ストリーム&lt;/b&gt;と&lt;b&gt;テキストストリーム&lt;/b&gt;: エンコーダは 2 つのモダリティを別々に（分解して）処理するため、それぞれが独立して終了できます。層 &lt;i&gt;i&lt;/i&gt; の後、その層の前後での隠れ状態のコサイン類似度が閾値を超えると、ストリームは停止します。つまり、その層がほとんど何も変えなかったということです。&lt;/li&gt;&lt;li&gt;&lt;b&gt;デコーダ&lt;/b&gt;: 生成される各トークンは、状態が前の層と十分に類似した最初のデコーダ層の後で、それぞれ独立して終了します。閾値は回答が進むにつれて減衰し、&amp;Theta;(t) = &amp;beta;&amp;theta; + (1 &amp;minus; &amp;beta;) e&lt;sup&gt;&amp;minus;&amp;tau;t/N&lt;/sup&gt; となるため、後のトークンほど早く終了できます。&lt;/li&gt;&lt;/ul&gt;&lt;p&gt;&lt;i&gt;すべての&lt;/i&gt;デコーダ層に損失をかけてファインチューニングしたモデル（MuE の層ごとの損失）は、どの層からでも回答できます。これがデコーダでの終了を安全なものにしています。&lt;/p&gt;&lt;h3&gt;ウィンドウの表示内容&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;類似度プロット&lt;/b&gt;: 各ストリームについて、連続する層の間の 1 &amp;minus; cos を対数目盛で表示します。破線は閾値で、ドラッグすると新しい値で実行をやり直します。&lt;/li&gt;&lt;li&gt;&lt;b&gt;終了ダイアグラム&lt;/b&gt;: すべてのストリームとデコードされたすべてのトークンの層の積み重ね。何が実行され、どこで終了し、何がスキップされたかを示します。&lt;/li&gt;&lt;li&gt;&lt;b&gt;出力&lt;/b&gt;: 各トークンを終了した層で色分けして表示します。カーソルを合わせると、共有ヘッドが各層で何を予測したかを表示します。&lt;/li&gt;&lt;li&gt;&lt;b&gt;画像&lt;/b&gt;: 画像パッチごとに、選択した層がまだどれだけ変化させたかを示します。&lt;/li&gt;&lt;li&gt;&lt;b&gt;削減&lt;/b&gt;: 層数の期待削減率（論文の 2 つの定義）、浮動小数点演算の削減率、そして同じ入力でのフルモデルに対する実測の実時間。&lt;/li&gt;&lt;/ul&gt;&lt;p&gt;参考文献: Shengkun Tang et al. &lt;i&gt;You Need Multiple Exiting: Dynamic Early Exiting for Accelerating Unified Vision Language Model.&lt;/i&gt; CVPR 2023.&lt;/p&gt;&lt;p&gt;MuE Studio は、GNU 一般公衆利用許諾書（GNU General Public License）バージョン 3 またはそれ以降のもとで配布されるフリーソフトウェアです。&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>mue::studio::ExplorerView</name>
    <message>
        <source>Data set and thresholds</source>
        <translation>データセットと閾値</translation>
    </message>
    <message>
        <source>Shapes world: visual entailment</source>
        <translation>Shapes world: 視覚的含意</translation>
    </message>
    <message>
        <source>Shapes world: captioning</source>
        <translation>Shapes world: キャプション生成</translation>
    </message>
    <message>
        <source>Folder with data.tsv…</source>
        <translation>data.tsv のあるフォルダ…</translation>
    </message>
    <message>
        <source>The items to evaluate: a built-in benchmark, or your own folder of images and a data.tsv.</source>
        <translation>評価する項目: 組み込みのベンチマーク、または画像と data.tsv を入れた独自のフォルダ。</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>検証</translation>
    </message>
    <message>
        <source>test</source>
        <translation>テスト</translation>
    </message>
    <message>
        <source>Choose thresholds on the validation split and report them on the test split.</source>
        <translation>検証分割で閾値を選び、テスト分割で結果を報告します。</translation>
    </message>
    <message>
        <source>all</source>
        <translation>すべて</translation>
    </message>
    <message>
        <source>How many items (the first ones) each setting is evaluated on; 0 means all.</source>
        <translation>各設定を評価する項目数（先頭から）。0 はすべてを意味します。</translation>
    </message>
    <message>
        <source>items:</source>
        <translation>項目数:</translation>
    </message>
    <message>
        <source>Data set:</source>
        <translation>データセット:</translation>
    </message>
    <message>
        <source>Image thresholds:</source>
        <translation>画像の閾値:</translation>
    </message>
    <message>
        <source>Text thresholds:</source>
        <translation>テキストの閾値:</translation>
    </message>
    <message>
        <source>Decoder thresholds:</source>
        <translation>デコーダの閾値:</translation>
    </message>
    <message>
        <source>Comma-separated similarity thresholds for this stream; every combination of the three lists is one MuE setting. 1 never exits.</source>
        <translation>このストリームの類似度閾値（カンマ区切り）。3 つのリストの各組み合わせが 1 つの MuE 設定になります。1 では終了しません。</translation>
    </message>
    <message>
        <source>Also sweep the baselines (DeeBERT, PABEE, confidence, joint exit, static depth)</source>
        <translation>ベースラインもスイープする（DeeBERT、PABEE、確信度、結合終了、静的な深さ）</translation>
    </message>
    <message>
        <source>Adds the baseline policies at their default settings, to compare at equal score.</source>
        <translation>既定の設定のベースラインポリシーを追加し、同じスコアで比較できるようにします。</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>スイープ</translation>
    </message>
    <message>
        <source>Evaluate the full model and every setting of the grid on the data set.</source>
        <translation>フルモデルとグリッドのすべての設定をデータセットで評価します。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Stop the sweep; the settings finished so far stay on the plot.</source>
        <translation>スイープを停止します。完了した設定はプロットに残ります。</translation>
    </message>
    <message>
        <source>Open Sweep…</source>
        <translation>スイープを開く…</translation>
    </message>
    <message>
        <source>Show a sweep written by `mue sweep --out PREFIX` (the PREFIX.json file).</source>
        <translation>`mue sweep --out PREFIX` が書き出したスイープ（PREFIX.json ファイル）を表示します。</translation>
    </message>
    <message>
        <source>Auto-tune</source>
        <translation>自動調整</translation>
    </message>
    <message>
        <source>The least share of the full model&apos;s score to keep, e.g. 0.99 for 99 %.</source>
        <translation>維持すべきフルモデルのスコアの最低割合（例: 99 % なら 0.99）。</translation>
    </message>
    <message>
        <source>Tune on Validation</source>
        <translation>検証データで調整</translation>
    </message>
    <message>
        <source>Choose the grid setting that saves the most layers while keeping the target share on the validation split, then report it on the test split (shapes data sets).</source>
        <translation>検証分割で目標の割合を維持しつつ最も多くの層を削減するグリッド設定を選び、テスト分割で結果を報告します（shapes データセット）。</translation>
    </message>
    <message>
        <source>Keep at least</source>
        <translation>最低維持率</translation>
    </message>
    <message>
        <source>Use These Thresholds</source>
        <translation>この閾値を使用</translation>
    </message>
    <message>
        <source>Load the tuned thresholds into the single-input workspace.</source>
        <translation>調整した閾値を単一入力ワークスペースに読み込みます。</translation>
    </message>
    <message>
        <source>expected reduction (mean), %</source>
        <translation>期待削減率（平均）、%</translation>
    </message>
    <message>
        <source>score</source>
        <translation>スコア</translation>
    </message>
    <message>
        <source>Each point is one setting: its score against the layers it saved. The line joins the Pareto front. Click a point to load its settings into the single-input workspace.</source>
        <translation>各点は 1 つの設定で、削減した層に対するスコアを示します。線はパレートフロントを結びます。点をクリックすると、その設定を単一入力ワークスペースに読み込みます。</translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>ポリシー</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>スコア</translation>
    </message>
    <message>
        <source>Retention</source>
        <translation>維持率</translation>
    </message>
    <message>
        <source>Expected (mean)</source>
        <translation>期待値（平均）</translation>
    </message>
    <message>
        <source>Expected (token-weighted)</source>
        <translation>期待値（トークン加重）</translation>
    </message>
    <message>
        <source>FLOPs</source>
        <translation>FLOPs</translation>
    </message>
    <message>
        <source>Pareto</source>
        <translation>パレート</translation>
    </message>
    <message>
        <source>Every evaluated setting. Double-click one to load it into the single-input workspace.</source>
        <translation>評価したすべての設定。ダブルクリックすると単一入力ワークスペースに読み込みます。</translation>
    </message>
    <message>
        <source>Data Set Folder</source>
        <translation>データセットのフォルダ</translation>
    </message>
    <message>
        <source>Open Sweep</source>
        <translation>スイープを開く</translation>
    </message>
    <message>
        <source>Sweep JSON (*.json)</source>
        <translation>スイープ JSON (*.json)</translation>
    </message>
    <message>
        <source>%1 of %2 settings · %3 elapsed · about %4 left</source>
        <translation>%1 / %2 設定 · 経過 %3 · 残り約 %4</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失敗しました: %1</translation>
    </message>
    <message>
        <source>Auto-tune needs a shapes data set: it chooses on validation and reports on test.</source>
        <translation>自動調整には shapes データセットが必要です。検証分割で選び、テスト分割で報告します。</translation>
    </message>
    <message>
        <source>image</source>
        <translation>画像</translation>
    </message>
    <message>
        <source>text</source>
        <translation>テキスト</translation>
    </message>
    <message>
        <source>decoder</source>
        <translation>デコーダ</translation>
    </message>
    <message>
        <source>The %1 thresholds must be numbers in [-1, 1] separated by commas.</source>
        <translation>%1の閾値は、[-1, 1] の範囲の数値をカンマで区切って指定してください。</translation>
    </message>
    <message>
        <source>Tuning…</source>
        <translation>調整中…</translation>
    </message>
    <message>
        <source>Sweeping…</source>
        <translation>スイープ中…</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 を読み込めません: %2</translation>
    </message>
    <message>
        <source>Pareto front</source>
        <translation>パレートフロント</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>正解率</translation>
    </message>
    <message>
        <source>CIDEr-D</source>
        <translation>CIDEr-D</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>はい</translation>
    </message>
    <message numerus="yes">
        <source>%n setting(s) on %1 items of %2</source>
        <translation>
            <numerusform>%2 の %1 項目に対する %n 個の設定</numerusform>
        </translation>
    </message>
    <message>
        <source> · from the cache, or a saved sweep</source>
        <translation> · キャッシュまたは保存済みのスイープから</translation>
    </message>
    <message>
        <source> · %1</source>
        <translation> · %1</translation>
    </message>
    <message>
        <source>Chosen on validation: image %1 · text %2 · decoder %3.</source>
        <translation>検証で選択: 画像 %1 · テキスト %2 · デコーダ %3。</translation>
    </message>
    <message>
        <source>No grid setting kept the target on validation: the full model.</source>
        <translation>検証で目標を維持したグリッド設定はありません: フルモデルを使用。</translation>
    </message>
    <message>
        <source>On test: score %1 (%2 of the full model&apos;s %3), expected reduction %4, FLOPs %5.</source>
        <translation>テスト: スコア %1（フルモデルの %3 に対して %2）、期待削減率 %4、FLOPs %5。</translation>
    </message>
    <message>
        <source>Tuned in %1.</source>
        <translation>%1 で調整しました。</translation>
    </message>
    <message>
        <source>Loaded &quot;%1&quot; into the single-input workspace.</source>
        <translation>「%1」を単一入力ワークスペースに読み込みました。</translation>
    </message>
    <message>
        <source>exit layer</source>
        <translation>終了層</translation>
    </message>
    <message>
        <source>share, %</source>
        <translation>割合（%）</translation>
    </message>
    <message>
        <source>Exit layers</source>
        <translation>終了層</translation>
    </message>
    <message>
        <source>Where the examples of the selected setting exited: the share of examples per exit layer for each encoder stream, and of decoded tokens for the decoder.</source>
        <translation>選択した設定で各例がどこで終了したか。エンコーダの各ストリームは終了層ごとの例の割合、デコーダはデコードされたトークンの割合です。</translation>
    </message>
    <message>
        <source>Exit layers: %1</source>
        <translation>終了層：%1</translation>
    </message>
    <message>
        <source>Profile Layers</source>
        <translation>層プロファイル</translation>
    </message>
    <message>
        <source>Run every layer once on the data set under the single-input workspace&apos;s policy: per-layer similarity of each stream, and where the policy would exit by difficulty.</source>
        <translation>単一入力ワークスペースのポリシーで、データセット上の全層を一度ずつ実行します。各ストリームの層ごとの類似度と、難易度別にポリシーがどこで終了するかを示します。</translation>
    </message>
    <message>
        <source>layer i</source>
        <translation>層 i</translation>
    </message>
    <message>
        <source>How much each layer still changes each stream, over the whole data set (the paper&apos;s Figure 3): where the curves fall below a threshold, that stream exits.</source>
        <translation>データセット全体で、各層が各ストリームをどれだけ変化させているか（論文の図3）。曲線が閾値を下回る層で、そのストリームは終了します。</translation>
    </message>
    <message>
        <source>scene difficulty</source>
        <translation>シーンの難易度</translation>
    </message>
    <message>
        <source>mean exit layer</source>
        <translation>平均終了層</translation>
    </message>
    <message>
        <source>Exit layer against difficulty</source>
        <translation>難易度と終了層</translation>
    </message>
    <message>
        <source>Where the policy exits on easy and hard scenes: harder scenes should run more layers.</source>
        <translation>易しいシーンと難しいシーンでポリシーがどこで終了するか。難しいシーンほど多くの層を実行するはずです。</translation>
    </message>
    <message>
        <source>Score vs. saving</source>
        <translation>スコアと削減</translation>
    </message>
    <message>
        <source>Layers and difficulty</source>
        <translation>層と難易度</translation>
    </message>
    <message>
        <source>Tuning cancelled.</source>
        <translation>自動調整をキャンセルしました。</translation>
    </message>
    <message>
        <source>Profiling cancelled.</source>
        <translation>プロファイルをキャンセルしました。</translation>
    </message>
    <message>
        <source>Profiling every layer…</source>
        <translation>全層をプロファイル中…</translation>
    </message>
    <message>
        <source>%1 (Spearman %2)</source>
        <translation>%1（スピアマン %2）</translation>
    </message>
    <message>
        <source>accuracy (right axis)</source>
        <translation>正解率（右軸）</translation>
    </message>
    <message numerus="yes">
        <source>Every layer of %1 items under %2 %3; %n difficulty level(s)</source>
        <translation>
            <numerusform>%2 %3 のもとで %1 項目の全層を実行、難易度 %n 段階</numerusform>
        </translation>
    </message>
    <message>
        <source>1 - cos, mean ± std (log scale)</source>
        <translation>1 - cos、平均 ± 標準偏差（対数目盛）</translation>
    </message>
    <message>
        <source>Worst Examples</source>
        <translation>悪化した例</translation>
    </message>
    <message>
        <source>Run the full model and the single-input workspace&apos;s settings on the items, and list the examples whose score changes most.</source>
        <translation>フルモデルと単一入力ワークスペースの設定を各項目で実行し、スコアが最も変わった例を一覧にします。</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>項目</translation>
    </message>
    <message>
        <source>Difficulty</source>
        <translation>難易度</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>テキスト</translation>
    </message>
    <message>
        <source>Full model</source>
        <translation>フルモデル</translation>
    </message>
    <message>
        <source>With the setting</source>
        <translation>この設定</translation>
    </message>
    <message>
        <source>Score change</source>
        <translation>スコアの変化</translation>
    </message>
    <message>
        <source>The examples whose score the setting changes most, worst first. Double-click one to open it in the single-input workspace under the setting.</source>
        <translation>設定によってスコアが最も変わった例（悪化の大きい順）。ダブルクリックすると、その設定のもとで単一入力ワークスペースに開きます。</translation>
    </message>
    <message>
        <source>Worst examples</source>
        <translation>悪化した例</translation>
    </message>
    <message>
        <source>Comparison cancelled.</source>
        <translation>比較をキャンセルしました。</translation>
    </message>
    <message>
        <source>Comparing with the full model…</source>
        <translation>フルモデルと比較中…</translation>
    </message>
    <message>
        <source>now wrong</source>
        <translation>不正解に</translation>
    </message>
    <message>
        <source>now right</source>
        <translation>正解に</translation>
    </message>
    <message>
        <source>%1 of %2 items change under %3 %4 (score %5 → %6)</source>
        <translation>%3 %4 で %2 項目中 %1 項目が変化（スコア %5 → %6）</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>書き出し…</translation>
    </message>
    <message>
        <source>Save the visible chart as PNG or PDF (the profile tab writes FILE and FILE-difficulty), or the table of settings as CSV.</source>
        <translation>表示中のグラフを PNG または PDF で（プロファイルタブでは FILE と FILE-difficulty の2つ）、または設定の表を CSV で保存します。</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>書き出し</translation>
    </message>
    <message>
        <source>PNG image (*.png);;PDF document (*.pdf);;CSV table (*.csv)</source>
        <translation>PNG 画像 (*.png);;PDF 文書 (*.pdf);;CSV 表 (*.csv)</translation>
    </message>
    <message>
        <source>The worst-examples table has no chart; export the settings as CSV.</source>
        <translation>悪化した例の表にはグラフがありません。設定を CSV で書き出してください。</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>グリッド</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>ランダム</translation>
    </message>
    <message>
        <source>Adaptive</source>
        <translation>適応的</translation>
    </message>
    <message>
        <source>Grid: every combination of the three lists. Random: settings drawn at random, dense near 1. Adaptive: random settings first, then rounds of settings drawn around the Pareto front.</source>
        <translation>グリッド: 3 つのリストのすべての組み合わせ。ランダム: 1 の近くに密になるよう無作為に選んだ設定。適応的: まずランダムな設定、次にパレートフロントの周りから選んだ設定を数ラウンド。</translation>
    </message>
    <message>
        <source>Random and adaptive: how many settings are drawn first (adaptive: also per round).</source>
        <translation>ランダムと適応的: 最初に選ぶ設定の数（適応的ではラウンドごとの数も）。</translation>
    </message>
    <message>
        <source>Adaptive: rounds of settings drawn around the Pareto front found so far.</source>
        <translation>適応的: これまでに見つかったパレートフロントの周りから設定を選ぶラウンド数。</translation>
    </message>
    <message>
        <source>The same seed draws the same settings, so a cancelled search resumes where it stopped.</source>
        <translation>同じシードは同じ設定を選ぶため、キャンセルした探索は止まったところから再開します。</translation>
    </message>
    <message>
        <source>Random and adaptive: the range of 1 − threshold the settings are drawn from (0.0001, 0.05 is thresholds 0.9999 to 0.95).</source>
        <translation>ランダムと適応的: 設定を選ぶ 1 − 閾値 の範囲（0.0001, 0.05 は閾値 0.9999 から 0.95）。</translation>
    </message>
    <message>
        <source>settings:</source>
        <translation>設定数:</translation>
    </message>
    <message>
        <source>rounds:</source>
        <translation>ラウンド:</translation>
    </message>
    <message>
        <source>seed:</source>
        <translation>シード:</translation>
    </message>
    <message>
        <source>1 − θ from, to:</source>
        <translation>1 − θ の範囲:</translation>
    </message>
    <message>
        <source>Search:</source>
        <translation>探索:</translation>
    </message>
    <message>
        <source>The range of 1 − θ must be two numbers, 0 &lt; from ≤ to &lt; 1, e.g. 0.0001, 0.05.</source>
        <translation>1 − θ の範囲は 0 &lt; 下限 ≤ 上限 &lt; 1 を満たす 2 つの数値で指定してください（例: 0.0001, 0.05）。</translation>
    </message>
    <message>
        <source>unknown data set &apos;%1&apos;</source>
        <translation>不明なデータセット &apos;%1&apos;</translation>
    </message>
    <message>
        <source> · cancelled: the settings finished so far (Sweep resumes it)</source>
        <translation> · キャンセル: ここまでに完了した設定（スイープで再開します）</translation>
    </message>
    <message numerus="yes">
        <source> · %n resumed from the interrupted run</source>
        <translation>
            <numerusform> · 中断した実行から %n 個を再開</numerusform>
        </translation>
    </message>
    <message>
        <source>with confidence</source>
        <translation>信頼度</translation>
    </message>
    <message>
        <source>Accept a setting only when a bootstrap lower bound of its validation retention, at this confidence, reaches the target too. A few hundred validation items overstate retention: on 300, a setting kept 99.4 % on validation and 86 % on test.</source>
        <translation>検証での維持率のブートストラップ下限が、この信頼度でも目標に達する設定だけを採用します。数百件の検証データでは維持率が高めに出ます: 300 件で、ある設定は検証で 99.4 %、テストで 86 % を維持しました。</translation>
    </message>
    <message>
        <source>How sure the lower bound must be, e.g. 0.90: the retention is at least the target with this probability (a bootstrap over the validation items).</source>
        <translation>下限に求める確かさ（例: 0.90）です。維持率はこの確率で目標以上になります（検証データでのブートストラップ）。</translation>
    </message>
    <message>
        <source>No grid setting kept the target on validation with %1 confidence: the full model.</source>
        <translation>信頼度 %1 で検証の目標を維持したグリッド設定はありません: フルモデルを使用。</translation>
    </message>
    <message>
        <source>Validation retention %1 (lower bound %2 at %3 confidence).</source>
        <translation>検証での維持率 %1（信頼度 %3 での下限 %2）。</translation>
    </message>
</context>
<context>
    <name>mue::studio::GuidedTour</name>
    <message>
        <source>Back</source>
        <translation>戻る</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>次へ</translation>
    </message>
    <message>
        <source>Guided Tour</source>
        <translation>ガイドツアー</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation>ステップ %1 / %2</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>完了</translation>
    </message>
</context>
<context>
    <name>mue::studio::HistoryModel</name>
    <message>
        <source>Caption</source>
        <translation>キャプション</translation>
    </message>
    <message>
        <source>Entailment</source>
        <translation>含意</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>プロンプト</translation>
    </message>
    <message>
        <source>Full model</source>
        <translation>フルモデル</translation>
    </message>
    <message>
        <source>MuE</source>
        <translation>MuE</translation>
    </message>
    <message>
        <source>Joint</source>
        <translation>結合</translation>
    </message>
    <message>
        <source>Static</source>
        <translation>静的</translation>
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
        <translation>確信度</translation>
    </message>
    <message>
        <source>%1 / %2 / %3 layers</source>
        <translation>%1 / %2 / %3 層</translation>
    </message>
    <message>
        <source>entropy &lt; %1</source>
        <translation>エントロピー &lt; %1</translation>
    </message>
    <message>
        <source>patience %1</source>
        <translation>ペイシェンス %1</translation>
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
        <translation>入力</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>タスク</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>テキスト</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>ポリシー</translation>
    </message>
    <message>
        <source>Thresholds</source>
        <translation>閾値</translation>
    </message>
    <message>
        <source>Exits I · T · D</source>
        <translation>終了層 I · T · D</translation>
    </message>
    <message>
        <source>Saving</source>
        <translation>削減</translation>
    </message>
    <message>
        <source>Prediction</source>
        <translation>予測</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>レイテンシ</translation>
    </message>
    <message>
        <source>The policy&apos;s thresholds: image / text / decoder similarity for MuE.</source>
        <translation>ポリシーの閾値（MuE では画像 / テキスト / デコーダの類似度）。</translation>
    </message>
    <message>
        <source>Layers the image stream, the text stream and (mean over tokens) the decoder ran.</source>
        <translation>画像ストリーム、テキストストリーム、デコーダ（トークン平均）が実行した層の数。</translation>
    </message>
    <message>
        <source>Expected reduction (mean definition), and in brackets the measured wall-time reduction.</source>
        <translation>期待削減率（平均による定義）。括弧内は実測した実時間の削減率。</translation>
    </message>
    <message>
        <source>Time from the request to the result, as you waited for it.</source>
        <translation>要求してから結果が出るまでの、実際に待った時間。</translation>
    </message>
    <message>
        <source>%1 (pinned reference)</source>
        <translation>%1（固定した参照）</translation>
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
        <translation>画像 (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp *.ppm *.pgm);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>MuE Studio</source>
        <translation>MuE Studio</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>画像</translation>
    </message>
    <message>
        <source>The input image. The overlay shows, per image patch, how little the chosen layer changed it: saturated patches have stopped changing.</source>
        <translation>入力画像。オーバーレイは画像パッチごとに、選択した層による変化がどれだけ小さいかを示します。色の濃いパッチはもう変化していません。</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>入力</translation>
    </message>
    <message>
        <source>Visual entailment</source>
        <translation>視覚的含意</translation>
    </message>
    <message>
        <source>Caption</source>
        <translation>キャプション</translation>
    </message>
    <message>
        <source>Free prompt</source>
        <translation>自由プロンプト</translation>
    </message>
    <message>
        <source>What the model does with the image: decide whether the hypothesis is entailed (yes / no / maybe), write a caption, or answer a prompt.</source>
        <translation>モデルが画像に対して行う処理: 仮説が含意されるかを判定する（yes / no / maybe）、キャプションを書く、またはプロンプトに回答する。</translation>
    </message>
    <message>
        <source>&amp;Task:</source>
        <translation>タスク(&amp;T):</translation>
    </message>
    <message>
        <source>&amp;Text:</source>
        <translation>テキスト(&amp;T):</translation>
    </message>
    <message>
        <source>The benchmark&apos;s answer for a built-in sample.</source>
        <translation>組み込みサンプルに対するベンチマークの正解。</translation>
    </message>
    <message>
        <source>Expected:</source>
        <translation>正解:</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>実行</translation>
    </message>
    <message>
        <source>Run the model on this image and text with the thresholds below (Ctrl+Return).</source>
        <translation>下の閾値で、この画像とテキストに対してモデルを実行します（Ctrl+Return）。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Stop the run in progress; it stops within one layer (Esc).</source>
        <translation>実行中の処理を停止します。1 層以内に停止します（Esc）。</translation>
    </message>
    <message>
        <source>Run on every change</source>
        <translation>変更のたびに実行</translation>
    </message>
    <message>
        <source>Run again automatically, shortly after the image, the text or a threshold changes.</source>
        <translation>画像、テキスト、閾値のいずれかが変わると、少し後に自動で再実行します。</translation>
    </message>
    <message>
        <source>Exit policy and thresholds</source>
        <translation>終了ポリシーと閾値</translation>
    </message>
    <message>
        <source>The decoded token whose per-layer similarity the plot shows as the decoder curve.</source>
        <translation>層ごとの類似度をデコーダ曲線としてプロットに表示する、デコード済みトークン。</translation>
    </message>
    <message>
        <source>Decoder curve for &amp;token:</source>
        <translation>デコーダ曲線のトークン(&amp;T):</translation>
    </message>
    <message>
        <source>Drag a dashed threshold line to move that exit.</source>
        <translation>破線の閾値線をドラッグすると、その終了位置を動かせます。</translation>
    </message>
    <message>
        <source>How much each layer changed each stream: 1 - cos(h_i, h_i-1) on a log scale. A stream exits after the first layer whose similarity passes its threshold line.</source>
        <translation>各層が各ストリームをどれだけ変化させたか: 1 - cos(h_i, h_i-1) を対数目盛で表示します。ストリームは、類似度が閾値線を最初に越えた層の後で終了します。</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>出力</translation>
    </message>
    <message>
        <source>Savings</source>
        <translation>削減</translation>
    </message>
    <message>
        <source>Single input</source>
        <translation>単一入力</translation>
    </message>
    <message>
        <source>Data set</source>
        <translation>データセット</translation>
    </message>
    <message>
        <source>One image and text: where each stream and token exits, and why.</source>
        <translation>1 つの画像とテキスト: 各ストリームと各トークンがどこで、なぜ終了するか。</translation>
    </message>
    <message>
        <source>What thresholds do over a whole data set: sweeps, the Pareto front, auto-tuning.</source>
        <translation>データセット全体で閾値がどう働くか: スイープ、パレートフロント、自動調整。</translation>
    </message>
    <message>
        <source>Every run. Double-click one to restore its input and settings; pin one to overlay it on the plot.</source>
        <translation>すべての実行。ダブルクリックするとその入力と設定を復元し、固定するとプロットに重ねて表示します。</translation>
    </message>
    <message>
        <source>History</source>
        <translation>履歴</translation>
    </message>
    <message>
        <source>The engine is running in the background; the window stays responsive.</source>
        <translation>エンジンはバックグラウンドで実行中です。ウィンドウはそのまま操作できます。</translation>
    </message>
    <message>
        <source>&amp;Open Image…</source>
        <translation>画像を開く(&amp;O)…</translation>
    </message>
    <message>
        <source>Open an image file.</source>
        <translation>画像ファイルを開きます。</translation>
    </message>
    <message>
        <source>Open &amp;Model Folder…</source>
        <translation>モデルフォルダを開く(&amp;M)…</translation>
    </message>
    <message>
        <source>Load a different model folder (config.json, model.safetensors, tokenizer).</source>
        <translation>別のモデルフォルダ（config.json、model.safetensors、トークナイザ）を読み込みます。</translation>
    </message>
    <message>
        <source>&amp;Paste Image</source>
        <translation>画像を貼り付け(&amp;P)</translation>
    </message>
    <message>
        <source>Use the image on the clipboard as the input.</source>
        <translation>クリップボードの画像を入力として使います。</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>実行(&amp;R)</translation>
    </message>
    <message>
        <source>Run the model now.</source>
        <translation>今すぐモデルを実行します。</translation>
    </message>
    <message>
        <source>&amp;Cancel Run</source>
        <translation>実行をキャンセル(&amp;C)</translation>
    </message>
    <message>
        <source>Stop the run in progress.</source>
        <translation>実行中の処理を停止します。</translation>
    </message>
    <message>
        <source>Run on Every &amp;Change</source>
        <translation>変更のたびに実行(&amp;C)</translation>
    </message>
    <message>
        <source>Run again automatically whenever an input or threshold changes.</source>
        <translation>入力または閾値が変わるたびに自動で再実行します。</translation>
    </message>
    <message>
        <source>&amp;Measure Full-Model Time</source>
        <translation>フルモデルの時間を計測(&amp;M)</translation>
    </message>
    <message>
        <source>After each run, also time the full model on the same input to measure the real saving.</source>
        <translation>各実行の後に同じ入力でフルモデルの時間も計測し、実際の削減量を測ります。</translation>
    </message>
    <message>
        <source>&amp;Pin as Reference</source>
        <translation>参照として固定(&amp;P)</translation>
    </message>
    <message>
        <source>Keep this run as the reference drawn faintly under the next runs.</source>
        <translation>この実行を参照として保持し、以降の実行の下に薄く描画します。</translation>
    </message>
    <message>
        <source>Export &amp;Plot…</source>
        <translation>プロットをエクスポート(&amp;P)…</translation>
    </message>
    <message>
        <source>Save the similarity plot as PNG or PDF.</source>
        <translation>類似度プロットを PNG または PDF で保存します。</translation>
    </message>
    <message>
        <source>Export Exit &amp;Diagram…</source>
        <translation>終了ダイアグラムをエクスポート(&amp;D)…</translation>
    </message>
    <message>
        <source>Save the exit diagram as a PNG image.</source>
        <translation>終了ダイアグラムを PNG 画像として保存します。</translation>
    </message>
    <message>
        <source>Export &amp;Trace…</source>
        <translation>トレースをエクスポート(&amp;T)…</translation>
    </message>
    <message>
        <source>Save the run&apos;s trace as JSON (everything) or CSV (per-layer numbers).</source>
        <translation>実行のトレースを JSON（すべて）または CSV（層ごとの数値）として保存します。</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <source>Close MuE Studio.</source>
        <translation>MuE Studio を閉じます。</translation>
    </message>
    <message>
        <source>&amp;About MuE…</source>
        <translation>MuE について(&amp;A)…</translation>
    </message>
    <message>
        <source>How multiple early exiting works.</source>
        <translation>多重早期終了の仕組み。</translation>
    </message>
    <message>
        <source>Task: %1</source>
        <translation>タスク: %1</translation>
    </message>
    <message>
        <source>Switch the task.</source>
        <translation>タスクを切り替えます。</translation>
    </message>
    <message>
        <source>Edit &amp;Text</source>
        <translation>テキストを編集(&amp;T)</translation>
    </message>
    <message>
        <source>Put the cursor in the text field.</source>
        <translation>テキスト欄にカーソルを置きます。</translation>
    </message>
    <message>
        <source>Restore This Run</source>
        <translation>この実行を復元</translation>
    </message>
    <message>
        <source>Pin as Reference</source>
        <translation>参照として固定</translation>
    </message>
    <message>
        <source>Unpin Reference</source>
        <translation>参照の固定を解除</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>Recent &amp;Images</source>
        <translation>最近使った画像(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Samples</source>
        <translation>サンプル(&amp;S)</translation>
    </message>
    <message>
        <source>Recent Mo&amp;dels</source>
        <translation>最近使ったモデル(&amp;D)</translation>
    </message>
    <message>
        <source>Clear &amp;History</source>
        <translation>履歴を消去(&amp;H)</translation>
    </message>
    <message>
        <source>Forget every run in the history table.</source>
        <translation>履歴テーブルのすべての実行を消去します。</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>テーマ(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;System</source>
        <translation>システム(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>ライト(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>ダーク(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Qt について(&amp;Q)</translation>
    </message>
    <message>
        <source>Loaded model %1</source>
        <translation>モデル %1 を読み込みました</translation>
    </message>
    <message>
        <source>Could not load the model folder %1: %2</source>
        <translation>モデルフォルダ %1 を読み込めませんでした: %2</translation>
    </message>
    <message>
        <source>%1 — MuE Studio</source>
        <translation>%1 — MuE Studio</translation>
    </message>
    <message>
        <source>Could not open the image %1: %2</source>
        <translation>画像 %1 を開けませんでした: %2</translation>
    </message>
    <message>
        <source>The run failed: %1</source>
        <translation>実行に失敗しました: %1</translation>
    </message>
    <message>
        <source>Run cancelled.</source>
        <translation>実行をキャンセルしました。</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; (exit %3)</source>
        <translation>%1: 「%2」（終了層 %3）</translation>
    </message>
    <message>
        <source>Hypothesis, e.g. &quot;there is a red circle&quot;</source>
        <translation>仮説（例: &quot;there is a red circle&quot;）</translation>
    </message>
    <message>
        <source>The statement the model judges against the image: yes (entailed), no (contradicted) or maybe (undecidable).</source>
        <translation>モデルが画像と照らし合わせて判定する文: yes（含意）、no（矛盾）、maybe（判定不能）。</translation>
    </message>
    <message>
        <source>Not used: the model describes the image</source>
        <translation>使用しません: モデルが画像を説明します</translation>
    </message>
    <message>
        <source>Captioning uses the model&apos;s own prompt; no text is needed.</source>
        <translation>キャプション生成ではモデル自身のプロンプトを使うため、テキストは不要です。</translation>
    </message>
    <message>
        <source>Prompt, e.g. &quot;what does the image describe?&quot;</source>
        <translation>プロンプト（例: &quot;what does the image describe?&quot;）</translation>
    </message>
    <message>
        <source>Any instruction; the model generates the answer token by token.</source>
        <translation>任意の指示。モデルは回答をトークンごとに生成します。</translation>
    </message>
    <message>
        <source>Model: %1%2</source>
        <translation>モデル: %1%2</translation>
    </message>
    <message>
        <source> (UNTRAINED)</source>
        <translation>（未学習）</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>モデルなし</translation>
    </message>
    <message numerus="yes">
        <source>CPU · %n thread(s)</source>
        <translation>
            <numerusform>CPU · %n スレッド</numerusform>
        </translation>
    </message>
    <message>
        <source>Last run %1 ms</source>
        <translation>前回の実行 %1 ms</translation>
    </message>
    <message>
        <source>Open Image</source>
        <translation>画像を開く</translation>
    </message>
    <message>
        <source>Open Model Folder</source>
        <translation>モデルフォルダを開く</translation>
    </message>
    <message>
        <source>The clipboard holds no image.</source>
        <translation>クリップボードに画像がありません。</translation>
    </message>
    <message>
        <source>clipboard</source>
        <translation>クリップボード</translation>
    </message>
    <message>
        <source>dropped image</source>
        <translation>ドロップされた画像</translation>
    </message>
    <message>
        <source>Export Plot</source>
        <translation>プロットをエクスポート</translation>
    </message>
    <message>
        <source>PNG image (*.png);;PDF document (*.pdf)</source>
        <translation>PNG 画像 (*.png);;PDF 文書 (*.pdf)</translation>
    </message>
    <message>
        <source>Export Exit Diagram</source>
        <translation>終了ダイアグラムをエクスポート</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 画像 (*.png)</translation>
    </message>
    <message>
        <source>Export Trace</source>
        <translation>トレースをエクスポート</translation>
    </message>
    <message>
        <source>JSON trace (*.json);;CSV per-layer table (*.csv)</source>
        <translation>JSON トレース (*.json);;CSV 層別テーブル (*.csv)</translation>
    </message>
    <message>
        <source>Hypothesis: %1 (label: %2)</source>
        <translation>仮説: %1（ラベル: %2）</translation>
    </message>
    <message>
        <source>References: %1</source>
        <translation>参照キャプション: %1</translation>
    </message>
    <message>
        <source>Cannot write the screenshot %1.</source>
        <translation>スクリーンショット %1 を書き込めません。</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>言語(&amp;L)</translation>
    </message>
    <message>
        <source>System Default</source>
        <translation>システムの既定</translation>
    </message>
    <message>
        <source>What am I looking at?</source>
        <translation>これは何を表示していますか？</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;The input image.&lt;/b&gt; The overlay shows, for the layer on the slider, how much that layer still changed each image patch: yellow patches have settled, dark ones still change.&lt;/p&gt;&lt;p&gt;Layers after the image stream&apos;s exit did not run; the view marks them as skipped.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;入力画像。&lt;/b&gt;重ね表示は、スライダーで選んだ層が各画像パッチをどれだけ変化させたかを示します。黄色のパッチは落ち着いており、暗いパッチはまだ変化しています。&lt;/p&gt;&lt;p&gt;画像ストリームの終了より後の層は実行されておらず、スキップとして表示されます。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;The exit policy and its knobs.&lt;/b&gt; MuE stops each encoder stream after the first layer whose output is more similar to its input than the threshold (cosine similarity), and each decoded token likewise.&lt;/p&gt;&lt;p&gt;On small models the thresholds that matter lie between 0.99 and 0.999, so the sliders work on a log scale of 1 &amp;minus; threshold; type exact values in the boxes. Presets load the paper&apos;s and the released scripts&apos; settings; Advanced holds the schedule and the baselines&apos; parameters.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;終了ポリシーとその設定。&lt;/b&gt;MuE は、出力と入力のコサイン類似度が閾値を超えた最初の層の後でエンコーダの各ストリームを止め、デコードされる各トークンも同様に止めます。&lt;/p&gt;&lt;p&gt;小さなモデルで効く閾値は 0.99〜0.999 にあるため、スライダーは 1 &amp;minus; 閾値 の対数目盛で動きます。正確な値は入力欄に入力してください。プリセットは論文と公開スクリプトの設定を読み込み、「詳細」にはスケジュールとベースラインのパラメータがあります。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;How much each layer changed each stream.&lt;/b&gt; For every layer i the plot shows 1 &amp;minus; cos(h&lt;sub&gt;i&lt;/sub&gt;, h&lt;sub&gt;i&amp;minus;1&lt;/sub&gt;) on a log scale: lower means the layer changed the hidden state less.&lt;/p&gt;&lt;p&gt;A stream exits after the first layer whose point falls below its dashed threshold line. Drag a line to move that threshold; the run repeats at once. The decoder curve is the token chosen in the box above; its threshold decays over the answer.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;各層が各ストリームをどれだけ変えたか。&lt;/b&gt;各層 i について 1 &amp;minus; cos(h&lt;sub&gt;i&lt;/sub&gt;, h&lt;sub&gt;i&amp;minus;1&lt;/sub&gt;) を対数目盛で示します。低いほど、その層が隠れ状態をあまり変えなかったことを意味します。&lt;/p&gt;&lt;p&gt;点が破線の閾値線を下回った最初の層の後で、そのストリームは終了します。線をドラッグするとその閾値が動き、すぐに再実行されます。デコーダの曲線は上のボックスで選んだトークンのもので、その閾値は回答が進むにつれて減衰します。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Where everything exited.&lt;/b&gt; Each row is a stack of layers: the encoder&apos;s image and text streams, then one row per generated token in the decoder.&lt;/p&gt;&lt;p&gt;Filled boxes ran, the outlined box is where the exit fired, faint boxes were skipped; the numbers count the layers that ran.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;どこで終了したか。&lt;/b&gt;各行は層の積み重ねです。エンコーダの画像ストリームとテキストストリーム、続いてデコーダで生成された各トークンが1行ずつ並びます。&lt;/p&gt;&lt;p&gt;塗りつぶされた箱は実行された層、枠線の箱は終了が発火した層、薄い箱はスキップされた層です。右の数字は実行された層の数です。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;The answer.&lt;/b&gt; Each token&apos;s colour is the decoder layer it exited at: light ones left early. Hover a token to see what the shared output head predicted at every layer, that is, how the answer formed.&lt;/p&gt;&lt;p&gt;For entailment the bars are the probabilities of yes, no and maybe.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;回答。&lt;/b&gt;各トークンの色は、そのトークンが終了したデコーダ層を表します。薄い色ほど早く終了しています。トークンにカーソルを合わせると、共有出力ヘッドが各層で何を予測したか、つまり回答がどう形作られたかが分かります。&lt;/p&gt;&lt;p&gt;含意タスクでは、棒は yes・no・maybe の確率です。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;What the exits saved&lt;/b&gt; against the full model on the same input: the expected reduction in layers (the paper&apos;s two definitions), the reduction in floating-point operations, and the measured compute time (the fastest of three rounds, measured in the background).&lt;/p&gt;</source>
        <translation>&lt;p&gt;同じ入力のフルモデルと比べて&lt;b&gt;早期終了で削減できた量&lt;/b&gt;：層数の期待削減率（論文の2つの定義）、浮動小数点演算の削減率、そして実測の計算時間（バックグラウンドで3回測定した最速値）です。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Click a view to see what it shows.</source>
        <translation>ビューをクリックすると、何を表示しているかを説明します。</translation>
    </message>
    <message>
        <source>Guided &amp;Tour</source>
        <translation>ガイドツアー(&amp;T)</translation>
    </message>
    <message>
        <source>A few steps through an easy and a hard scene: similarity, exits and savings.</source>
        <translation>易しいシーンと難しいシーンを数ステップでたどり、類似度・終了・削減を説明します。</translation>
    </message>
    <message>
        <source>Welcome to MuE Studio</source>
        <translation>MuE Studio へようこそ</translation>
    </message>
    <message>
        <source>&lt;p&gt;A vision-language model reads an image and a text with a stack of encoder layers, then writes its answer token by token with a stack of decoder layers. &lt;b&gt;MuE&lt;/b&gt; lets each part stop early once its layers stop changing it.&lt;/p&gt;&lt;p&gt;This tour runs two built-in scenes, an easy and a hard one, and shows where and why the model exited. The window stays usable while it is open.&lt;/p&gt;</source>
        <translation>&lt;p&gt;視覚言語モデルは、画像とテキストをエンコーダ層の積み重ねで読み、デコーダ層の積み重ねで回答をトークンごとに書き出します。&lt;b&gt;MuE&lt;/b&gt; は、層による変化が止まった部分から順に早く止めます。&lt;/p&gt;&lt;p&gt;このツアーでは、組み込みの易しいシーンと難しいシーンを実行し、モデルがどこで、なぜ終了したかを示します。ツアーを開いている間もウィンドウは操作できます。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>An easy scene</source>
        <translation>易しいシーン</translation>
    </message>
    <message>
        <source>&lt;p&gt;The tour loaded an easy entailment scene and the paper&apos;s thresholds. Look at the &lt;b&gt;plot&lt;/b&gt;: each curve shows how much a layer still changed a stream. The image stream&apos;s curve falls below its dashed threshold line early, so it stopped there: a marker shows the exit.&lt;/p&gt;&lt;p&gt;The &lt;b&gt;exit diagram&lt;/b&gt; below shows the same as boxes: filled ones ran, the outlined one exited, faint ones were skipped.&lt;/p&gt;</source>
        <translation>&lt;p&gt;易しい含意シーンと論文の閾値を読み込みました。&lt;b&gt;グラフ&lt;/b&gt;を見てください。各曲線は、層がストリームをまだどれだけ変えたかを示します。画像ストリームの曲線は早い段階で破線の閾値線を下回るので、そこで止まりました。マーカーが終了を示します。&lt;/p&gt;&lt;p&gt;下の&lt;b&gt;終了ダイアグラム&lt;/b&gt;は同じことを箱で示します。塗りつぶしは実行された層、枠線は終了した層、薄い箱はスキップされた層です。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>The answer and the decoder</source>
        <translation>回答とデコーダ</translation>
    </message>
    <message>
        <source>&lt;p&gt;The &lt;b&gt;output&lt;/b&gt; shows the answer; its colour is the decoder layer it exited at. Hover it to see what every decoder layer would have answered: the layer-wise training makes early layers usable.&lt;/p&gt;&lt;p&gt;For entailment the bars show the probabilities of yes, no and maybe.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;出力&lt;/b&gt;には回答が表示され、その色は回答が終了したデコーダ層を表します。カーソルを合わせると、各デコーダ層ならどう答えたかが分かります。層ごとの学習によって、早い層も使えるようになっています。&lt;/p&gt;&lt;p&gt;含意タスクでは、棒が yes・no・maybe の確率を示します。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>A hard scene</source>
        <translation>難しいシーン</translation>
    </message>
    <message>
        <source>&lt;p&gt;Now a crowded captioning scene. More objects, smaller shapes and clutter: the streams need more layers before they settle, and the diagram gets one decoder row per word, each with its own exit.&lt;/p&gt;&lt;p&gt;Pick a word in &lt;i&gt;Decoder curve for token&lt;/i&gt; above the plot to see its curve.&lt;/p&gt;</source>
        <translation>&lt;p&gt;次は物体の多いキャプションのシーンです。物体が多く、形が小さく、ごちゃごちゃしているため、各ストリームが落ち着くまでにより多くの層が必要です。ダイアグラムには単語ごとにデコーダの行があり、それぞれが独自に終了します。&lt;/p&gt;&lt;p&gt;グラフの上の「デコーダ曲線のトークン」で単語を選ぶと、その曲線が表示されます。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>What it saved</source>
        <translation>削減できた量</translation>
    </message>
    <message>
        <source>&lt;p&gt;The &lt;b&gt;savings&lt;/b&gt; panel compares with the full model on the same input: layers saved (the paper&apos;s two definitions), floating-point operations saved, and the compute time measured in the background.&lt;/p&gt;&lt;p&gt;Easy inputs save more than hard ones: that is the point of exiting per input.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;削減&lt;/b&gt;パネルは、同じ入力のフルモデルと比較します。削減した層数（論文の2つの定義）、削減した浮動小数点演算、そしてバックグラウンドで測定した計算時間です。&lt;/p&gt;&lt;p&gt;易しい入力ほど多く削減できます。入力ごとに終了することの意義はそこにあります。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Your turn</source>
        <translation>試してみましょう</translation>
    </message>
    <message>
        <source>&lt;p&gt;Drag a dashed threshold line, or a slider on the left, and watch the exits, the answer and the savings follow. Pin a run (Ctrl+P) to keep it on the plot for comparison.&lt;/p&gt;&lt;p&gt;The &lt;b&gt;Data set&lt;/b&gt; tab shows what a threshold does over hundreds of scenes. Every view has a &lt;b&gt;?&lt;/b&gt; that explains it.&lt;/p&gt;</source>
        <translation>&lt;p&gt;破線の閾値線、または左のスライダーをドラッグして、終了・回答・削減がどう変わるかを見てください。実行をピン留め（Ctrl+P）すると、比較のためにグラフに残ります。&lt;/p&gt;&lt;p&gt;&lt;b&gt;データセット&lt;/b&gt;タブでは、閾値が数百のシーンに対してどう働くかを確認できます。各ビューの &lt;b&gt;?&lt;/b&gt; で説明を表示できます。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Open &amp;Session…</source>
        <translation>セッションを開く(&amp;S)…</translation>
    </message>
    <message>
        <source>Restore a saved session: inputs, thresholds, history and sweeps.</source>
        <translation>保存したセッション（入力、閾値、履歴、スイープ）を復元します。</translation>
    </message>
    <message>
        <source>Open Session</source>
        <translation>セッションを開く</translation>
    </message>
    <message>
        <source>MuE Studio session (*.json);;All files (*)</source>
        <translation>MuE Studio セッション (*.json);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Save Session &amp;As…</source>
        <translation>名前を付けてセッションを保存(&amp;A)…</translation>
    </message>
    <message>
        <source>Save inputs, thresholds, the run history and the data-set sweep in one JSON file.</source>
        <translation>入力、閾値、実行履歴、データセットのスイープを 1 つの JSON ファイルに保存します。</translation>
    </message>
    <message>
        <source>Save Session</source>
        <translation>セッションを保存</translation>
    </message>
    <message>
        <source>MuE Studio session (*.json)</source>
        <translation>MuE Studio セッション (*.json)</translation>
    </message>
    <message>
        <source>Saved the session to %1</source>
        <translation>セッションを %1 に保存しました</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 を読み込めません: %2</translation>
    </message>
    <message>
        <source>its model folder %1 is missing; the saved runs are shown, new runs use the current model</source>
        <translation>そのモデルフォルダ %1 が見つかりません。保存された実行は表示されますが、新しい実行には現在のモデルを使います</translation>
    </message>
    <message>
        <source>Opened %1, but %2.</source>
        <translation>%1 を開きましたが、%2。</translation>
    </message>
    <message>
        <source>Opened the session %1</source>
        <translation>セッション %1 を開きました</translation>
    </message>
</context>
<context>
    <name>mue::widgets::ExitDiagram</name>
    <message>
        <source>ran</source>
        <translation>実行</translation>
    </message>
    <message>
        <source>ran; exited after this layer</source>
        <translation>実行。この層の後で終了</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>スキップ</translation>
    </message>
    <message>
        <source>ran for the what-if trace; a real run skips it</source>
        <translation>what-if トレースのために実行。実際の実行ではスキップされる</translation>
    </message>
    <message>
        <source>decoder, token %1</source>
        <translation>デコーダ、トークン %1</translation>
    </message>
    <message>
        <source>%1, layer %2: %3</source>
        <translation>%1、層 %2: %3</translation>
    </message>
    <message>
        <source>cos(h_i, h_i-1) = %1   (1 - cos = %2)</source>
        <translation>cos(h_i, h_i-1) = %1   (1 - cos = %2)</translation>
    </message>
    <message>
        <source>threshold %1</source>
        <translation>閾値 %1</translation>
    </message>
    <message>
        <source>exit layer</source>
        <translation>終了層</translation>
    </message>
    <message>
        <source>ran past the exit (what-if)</source>
        <translation>終了位置を越えて実行（what-if）</translation>
    </message>
    <message>
        <source>No run to show yet</source>
        <translation>表示する実行結果はまだありません</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>層</translation>
    </message>
    <message>
        <source>Encoder (joint: image and text in one stream)</source>
        <translation>エンコーダ（結合: 画像とテキストを 1 つのストリームで処理）</translation>
    </message>
    <message>
        <source>Encoder</source>
        <translation>エンコーダ</translation>
    </message>
    <message>
        <source>Decoder (one row per generated token)</source>
        <translation>デコーダ（生成トークンごとに 1 行）</translation>
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
        <translation>結合エンコーダ</translation>
    </message>
    <message>
        <source>image encoder</source>
        <translation>画像エンコーダ</translation>
    </message>
    <message>
        <source>text encoder</source>
        <translation>テキストエンコーダ</translation>
    </message>
    <message>
        <source>decoder</source>
        <translation>デコーダ</translation>
    </message>
</context>
<context>
    <name>mue::widgets::PatchHeatmapView</name>
    <message>
        <source>still changing</source>
        <translation>まだ変化中</translation>
    </message>
    <message>
        <source>1 - cos to the layer below</source>
        <translation>下の層に対する 1 - cos</translation>
    </message>
    <message>
        <source>settled</source>
        <translation>安定</translation>
    </message>
    <message>
        <source>Each patch coloured by how much it changed in this layer; hover for its cosine.</source>
        <translation>各パッチはこの層での変化量で色分けされています。カーソルを合わせるとコサイン値を表示します。</translation>
    </message>
    <message>
        <source>The encoder layer shown, of the image stream&apos;s layers, and where the stream exited.</source>
        <translation>表示中のエンコーダ層（画像ストリームの層のうちの何層目か）と、ストリームが終了した位置。</translation>
    </message>
    <message>
        <source>Steps through the image encoder&apos;s layers; those after the exit were skipped.</source>
        <translation>画像エンコーダの層を順に切り替えます。終了位置より後の層はスキップされています。</translation>
    </message>
    <message>
        <source>patch row %1, column %2</source>
        <translation>パッチ: 行 %1、列 %2</translation>
    </message>
    <message>
        <source>cos to layer %1: %2   (1 - cos = %3)</source>
        <translation>層 %1 に対する cos: %2   (1 - cos = %3)</translation>
    </message>
    <message>
        <source>layer %1 did not run</source>
        <translation>層 %1 は実行されませんでした</translation>
    </message>
    <message>
        <source>No run to show yet</source>
        <translation>表示する実行結果はまだありません</translation>
    </message>
    <message>
        <source>What-if trace: a real run skips layer %1
(the stream exited after layer %2)</source>
        <translation>what-if トレース: 実際の実行では層 %1 はスキップされます
（ストリームは層 %2 の後で終了）</translation>
    </message>
    <message>
        <source>Layer %1 was skipped
(the %2 stream exited after layer %3)</source>
        <translation>層 %1 はスキップされました
（%2ストリームは層 %3 の後で終了）</translation>
    </message>
    <message>
        <source>joint</source>
        <translation>結合</translation>
    </message>
    <message>
        <source>image</source>
        <translation>画像</translation>
    </message>
    <message>
        <source>No per-patch data</source>
        <translation>パッチごとのデータがありません</translation>
    </message>
    <message>
        <source>no layers</source>
        <translation>層なし</translation>
    </message>
    <message>
        <source>exited at %1</source>
        <translation>層 %1 で終了</translation>
    </message>
    <message>
        <source>ran every layer</source>
        <translation>全層を実行</translation>
    </message>
    <message>
        <source>layer %1 of %2 (%3)</source>
        <translation>層 %1 / %2（%3）</translation>
    </message>
</context>
<context>
    <name>mue::widgets::SavingsPanel</name>
    <message>
        <source>&lt;b&gt;Reduction vs. the full model&lt;/b&gt;</source>
        <translation>&lt;b&gt;フルモデルに対する削減&lt;/b&gt;</translation>
    </message>
    <message>
        <source>How much of the full model&apos;s work this run skipped, by four definitions.</source>
        <translation>この実行でフルモデルの処理をどれだけ省いたか（4 つの定義による）。</translation>
    </message>
    <message>
        <source>Layers each stream ran out of its total; for the decoder, the mean over the generated tokens.</source>
        <translation>各ストリームが全層のうち実行した層の数。デコーダについては生成トークンの平均。</translation>
    </message>
    <message>
        <source>Expected (mean)</source>
        <translation>期待値（平均）</translation>
    </message>
    <message>
        <source>Expected (token-weighted)</source>
        <translation>期待値（トークン加重）</translation>
    </message>
    <message>
        <source>FLOPs</source>
        <translation>FLOPs</translation>
    </message>
    <message>
        <source>Measured wall time</source>
        <translation>実測の実時間</translation>
    </message>
    <message>
        <source>The paper&apos;s count in layers: 1 - ((p + q)/2 + mean decoder layers) / (encoder + decoder layers), the image and text streams counted equally.</source>
        <translation>論文の層数による計算: 1 - ((p + q)/2 + デコーダの平均層数) / (エンコーダ層数 + デコーダ層数)。画像とテキストのストリームは同等に数えます。</translation>
    </message>
    <message>
        <source>As the mean definition, but the image and text streams&apos; layers are weighted by their token counts.</source>
        <translation>平均による定義と同じですが、画像とテキストのストリームの層をそれぞれのトークン数で重み付けします。</translation>
    </message>
    <message>
        <source>1 - FLOPs used / the full model&apos;s FLOPs, from analytic counts of the stem, every layer run and the output head.</source>
        <translation>1 - 使用した FLOPs / フルモデルの FLOPs。ステム、実行した各層、出力ヘッドの解析的な計数に基づきます。</translation>
    </message>
    <message>
        <source>1 - compute time / the full model&apos;s compute time on the same input, preprocessing left out; needs a comparison run with the full model.</source>
        <translation>1 - 計算時間 / 同じ入力でのフルモデルの計算時間（前処理は除く）。フルモデルでの比較実行が必要です。</translation>
    </message>
    <message>
        <source>Layers run: %1</source>
        <translation>実行した層: %1</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>%1 vs %2 (full model)</source>
        <translation>%1 対 %2（フルモデル）</translation>
    </message>
    <message>
        <source>%1 compute</source>
        <translation>計算 %1</translation>
    </message>
    <message>
        <source>measuring…</source>
        <translation>計測中…</translation>
    </message>
    <message>
        <source>running the full model for comparison</source>
        <translation>比較のためフルモデルを実行中</translation>
    </message>
    <message>
        <source>turn on the comparison run to measure</source>
        <translation>計測するには比較実行をオンにしてください</translation>
    </message>
    <message>
        <source>joint encoder</source>
        <translation>結合エンコーダ</translation>
    </message>
    <message>
        <source>image</source>
        <translation>画像</translation>
    </message>
    <message>
        <source>text</source>
        <translation>テキスト</translation>
    </message>
    <message>
        <source>decoder mean %1/%2</source>
        <translation>デコーダ平均 %1/%2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>mue::widgets::SimilarityPlot</name>
    <message>
        <source>Layer-to-layer change of each stream</source>
        <translation>各ストリームの層間の変化</translation>
    </message>
    <message>
        <source>layer i</source>
        <translation>層 i</translation>
    </message>
    <message>
        <source>1 - cos(h_i, h_i-1)   (log scale)</source>
        <translation>1 - cos(h_i, h_i-1)   （対数目盛）</translation>
    </message>
    <message>
        <source>cos</source>
        <translation>cos</translation>
    </message>
    <message>
        <source>decoder, token %1 &quot;%2&quot;</source>
        <translation>デコーダ、トークン %1「%2」</translation>
    </message>
    <message>
        <source>decoder</source>
        <translation>デコーダ</translation>
    </message>
    <message>
        <source>joint</source>
        <translation>結合</translation>
    </message>
    <message>
        <source>image</source>
        <translation>画像</translation>
    </message>
    <message>
        <source>text</source>
        <translation>テキスト</translation>
    </message>
    <message>
        <source>%1 exit: layer %2</source>
        <translation>%1 の終了: 層 %2</translation>
    </message>
    <message>
        <source>%1 (reference %2)</source>
        <translation>%1（参照 %2）</translation>
    </message>
    <message>
        <source>%1 threshold %2</source>
        <translation>%1 の閾値 %2</translation>
    </message>
</context>
<context>
    <name>mue::widgets::ThresholdPanel</name>
    <message>
        <source>Paper (appendix)</source>
        <translation>論文（付録）</translation>
    </message>
    <message>
        <source>MuE with the paper appendix&apos;s thresholds 0.90 / 0.95 / 0.95, beta 0.95, tau 1, no warm-up.</source>
        <translation>論文付録の閾値 0.90 / 0.95 / 0.95、beta 0.95、tau 1、ウォームアップなしの MuE。</translation>
    </message>
    <message>
        <source>Released SNLI-VE script</source>
        <translation>公開版 SNLI-VE スクリプト</translation>
    </message>
    <message>
        <source>MuE as the authors&apos; released SNLI-VE script: 0.70 / 0.99 / 0.70, beta 0.9, warm-up 1/3.</source>
        <translation>著者が公開した SNLI-VE スクリプトと同じ設定の MuE: 0.70 / 0.99 / 0.70、beta 0.9、ウォームアップ 1/3。</translation>
    </message>
    <message>
        <source>Released captioning script</source>
        <translation>公開版キャプション生成スクリプト</translation>
    </message>
    <message>
        <source>MuE as the authors&apos; released captioning script: 0.99 / 0.70 / 0.90, beta 0.9, warm-up 1/3.</source>
        <translation>著者が公開したキャプション生成スクリプトと同じ設定の MuE: 0.99 / 0.70 / 0.90、beta 0.9、ウォームアップ 1/3。</translation>
    </message>
    <message>
        <source>No exits</source>
        <translation>終了なし</translation>
    </message>
    <message>
        <source>The full model: every layer of every stream runs.</source>
        <translation>フルモデル: すべてのストリームのすべての層を実行します。</translation>
    </message>
    <message>
        <source>No exits (full model)</source>
        <translation>終了なし（フルモデル）</translation>
    </message>
    <message>
        <source>Runs every layer: the reference the savings compare with.</source>
        <translation>すべての層を実行します。削減量の比較基準です。</translation>
    </message>
    <message>
        <source>MuE</source>
        <translation>MuE</translation>
    </message>
    <message>
        <source>Image and text encoder streams each exit on their own similarity threshold, decoder tokens on the decaying schedule Theta(t).</source>
        <translation>画像とテキストのエンコーダストリームはそれぞれ自身の類似度閾値で、デコーダのトークンは減衰スケジュール Theta(t) で終了します。</translation>
    </message>
    <message>
        <source>Joint</source>
        <translation>結合</translation>
    </message>
    <message>
        <source>One similarity exit over the joint [image; text] encoder (MuE without decomposition).</source>
        <translation>結合 [画像; テキスト] エンコーダ全体で 1 つの類似度による終了（分解なしの MuE）。</translation>
    </message>
    <message>
        <source>Static</source>
        <translation>静的</translation>
    </message>
    <message>
        <source>Fixed layer counts for the image, text and decoder streams (set under Advanced).</source>
        <translation>画像・テキスト・デコーダの各ストリームで固定の層数（「詳細設定」で設定）。</translation>
    </message>
    <message>
        <source>DeeBERT</source>
        <translation>DeeBERT</translation>
    </message>
    <message>
        <source>Decoder tokens exit when the shared head&apos;s entropy falls below a threshold; the encoder runs fully.</source>
        <translation>共有ヘッドのエントロピーが閾値を下回るとデコーダのトークンが終了します。エンコーダはすべての層を実行します。</translation>
    </message>
    <message>
        <source>PABEE</source>
        <translation>PABEE</translation>
    </message>
    <message>
        <source>Decoder tokens exit once the head&apos;s prediction stays the same for `patience` layers; the encoder runs fully.</source>
        <translation>ヘッドの予測が `patience` 層にわたって変わらなければデコーダのトークンが終了します。エンコーダはすべての層を実行します。</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>確信度</translation>
    </message>
    <message>
        <source>Decoder tokens exit when the head&apos;s top probability exceeds a threshold (CALM); the encoder runs fully.</source>
        <translation>ヘッドの最大確率が閾値を超えるとデコーダのトークンが終了します（CALM）。エンコーダはすべての層を実行します。</translation>
    </message>
    <message>
        <source>The image encoder stream exits after the first layer whose similarity to the previous one exceeds this.</source>
        <translation>画像エンコーダのストリームは、前の層との類似度がこの値を最初に超えた層の後で終了します。</translation>
    </message>
    <message>
        <source>The text encoder stream exits after the first layer whose similarity to the previous one exceeds this.</source>
        <translation>テキストエンコーダのストリームは、前の層との類似度がこの値を最初に超えた層の後で終了します。</translation>
    </message>
    <message>
        <source>Theta in the decoder schedule Theta(t) = beta*theta + (1-beta)*exp(-tau*t/N); 1 turns decoder exits off.</source>
        <translation>デコーダのスケジュール Theta(t) = beta*theta + (1-beta)*exp(-tau*t/N) の Theta。1 にするとデコーダの終了が無効になります。</translation>
    </message>
    <message>
        <source>Image encoder layers the Static policy runs (all = every layer).</source>
        <translation>静的ポリシーが実行する画像エンコーダの層数（すべて = 全層）。</translation>
    </message>
    <message>
        <source>Text encoder layers the Static policy runs (all = every layer).</source>
        <translation>静的ポリシーが実行するテキストエンコーダの層数（すべて = 全層）。</translation>
    </message>
    <message>
        <source>Decoder layers per token the Static policy runs (all = every layer).</source>
        <translation>静的ポリシーがトークンごとに実行するデコーダの層数（すべて = 全層）。</translation>
    </message>
    <message>
        <source>The slider&apos;s log scale: each mark is ten times closer to 1.</source>
        <translation>スライダーの対数目盛: 目盛りが 1 つ進むごとに 1 に 10 倍近づきます。</translation>
    </message>
    <message>
        <source>Chooses how layers are skipped: MuE, a baseline, or no exits at all.</source>
        <translation>層をスキップする方法を選びます: MuE、ベースライン、または終了なし。</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>ポリシー</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>カスタム</translation>
    </message>
    <message>
        <source>The settings match no preset; choose one to apply it.</source>
        <translation>設定はどのプリセットとも一致しません。プリセットを選ぶと適用されます。</translation>
    </message>
    <message>
        <source>Applies a published set of thresholds; shows Custom once you change any of them.</source>
        <translation>公開された閾値のセットを適用します。いずれかを変更すると「カスタム」と表示されます。</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>プリセット</translation>
    </message>
    <message>
        <source>&lt;b&gt;Similarity thresholds&lt;/b&gt; &amp;nbsp;(exit when cos(h&lt;sub&gt;i&lt;/sub&gt;, h&lt;sub&gt;i-1&lt;/sub&gt;) &amp;gt; threshold)</source>
        <translation>&lt;b&gt;類似度の閾値&lt;/b&gt; &amp;nbsp;（cos(h&lt;sub&gt;i&lt;/sub&gt;, h&lt;sub&gt;i-1&lt;/sub&gt;) &amp;gt; 閾値 で終了）</translation>
    </message>
    <message>
        <source>A stream stops after the first layer whose state barely changed: the closer to 1, the later it exits.</source>
        <translation>ストリームは、状態がほとんど変化しなかった最初の層の後で停止します。1 に近いほど終了は遅くなります。</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>詳細設定</translation>
    </message>
    <message>
        <source>Shows or hides the decoder schedule, the KV policy and the baselines&apos; settings.</source>
        <translation>デコーダのスケジュール、KV ポリシー、ベースラインの設定を表示または非表示にします。</translation>
    </message>
    <message>
        <source>Drag to set the threshold on a log scale of 1 - threshold: each tick is ten times closer to 1.</source>
        <translation>ドラッグして閾値を設定します（1 - 閾値 の対数目盛）。目盛りが 1 つ進むごとに 1 に 10 倍近づきます。</translation>
    </message>
    <message>
        <source>The exact threshold; type a value or step by 0.0005.</source>
        <translation>正確な閾値。値を入力するか、0.0005 刻みで増減します。</translation>
    </message>
    <message>
        <source>Weight of theta in Theta(t); the rest decays from 1 with the step (MuE and Joint).</source>
        <translation>Theta(t) における theta の重み。残りはステップとともに 1 から減衰します（MuE と結合）。</translation>
    </message>
    <message>
        <source>How fast the decoder threshold decays with the step t (MuE and Joint).</source>
        <translation>デコーダの閾値がステップ t とともに減衰する速さ（MuE と結合）。</translation>
    </message>
    <message>
        <source>The first floor(fraction * N) decoding steps never exit (MuE and Joint; released scripts: 1/3).</source>
        <translation>最初の floor(fraction * N) デコードステップでは終了しません（MuE と結合。公開スクリプトでは 1/3）。</translation>
    </message>
    <message>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <source>copy</source>
        <translation>コピー</translation>
    </message>
    <message>
        <source>propagate</source>
        <translation>伝播</translation>
    </message>
    <message>
        <source>Skipped layers store nothing; later tokens attend over fewer keys (released code).</source>
        <translation>スキップした層には何も保存しません。後のトークンはより少ないキーに注意を向けます（公開コード）。</translation>
    </message>
    <message>
        <source>The exit layer&apos;s keys and values are copied into every skipped layer.</source>
        <translation>終了層のキーとバリューを、スキップしたすべての層にコピーします。</translation>
    </message>
    <message>
        <source>The exit state computes each skipped layer&apos;s keys and values (CALM).</source>
        <translation>終了時の状態から、スキップした各層のキーとバリューを計算します（CALM）。</translation>
    </message>
    <message>
        <source>What decoder layers skipped by an exited token store for later tokens to attend to.</source>
        <translation>終了したトークンがスキップしたデコーダ層に、後のトークンが注意を向けるために何を保存するか。</translation>
    </message>
    <message>
        <source>The Joint policy&apos;s single encoder exit threshold (also the image row under Joint).</source>
        <translation>結合ポリシーの単一のエンコーダ終了閾値（結合では画像の行にも表示されます）。</translation>
    </message>
    <message>
        <source>all</source>
        <translation>すべて</translation>
    </message>
    <message>
        <source>DeeBERT: a token exits when the head&apos;s entropy falls below this many nats.</source>
        <translation>DeeBERT: ヘッドのエントロピーがこの値（nat 単位）を下回るとトークンが終了します。</translation>
    </message>
    <message>
        <source> nats</source>
        <translation> nat</translation>
    </message>
    <message>
        <source>PABEE: a token exits once the head&apos;s prediction is unchanged for this many layers.</source>
        <translation>PABEE: ヘッドの予測がこの層数だけ変わらなければトークンが終了します。</translation>
    </message>
    <message>
        <source>Confidence: a token exits when the head&apos;s top probability exceeds this.</source>
        <translation>確信度: ヘッドの最大確率がこの値を超えるとトークンが終了します。</translation>
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
        <translation>ウォームアップの割合</translation>
    </message>
    <message>
        <source>KV policy</source>
        <translation>KV ポリシー</translation>
    </message>
    <message>
        <source>Joint threshold</source>
        <translation>結合の閾値</translation>
    </message>
    <message>
        <source>Static image layers</source>
        <translation>静的: 画像の層数</translation>
    </message>
    <message>
        <source>Static text layers</source>
        <translation>静的: テキストの層数</translation>
    </message>
    <message>
        <source>Static decoder layers</source>
        <translation>静的: デコーダの層数</translation>
    </message>
    <message>
        <source>DeeBERT entropy</source>
        <translation>DeeBERT エントロピー</translation>
    </message>
    <message>
        <source>PABEE patience</source>
        <translation>PABEE ペイシェンス</translation>
    </message>
    <message>
        <source>Confidence threshold</source>
        <translation>確信度の閾値</translation>
    </message>
    <message>
        <source>joint</source>
        <translation>結合</translation>
    </message>
    <message>
        <source>image</source>
        <translation>画像</translation>
    </message>
    <message>
        <source>text</source>
        <translation>テキスト</translation>
    </message>
    <message>
        <source>decoder</source>
        <translation>デコーダ</translation>
    </message>
</context>
<context>
    <name>mue::widgets::TokenOutputView</name>
    <message>
        <source>The generated tokens, coloured by the decoder layer each one exited at; hover a token for details, click it to plot its similarity.</source>
        <translation>生成されたトークン。各トークンが終了したデコーダ層で色分けしています。カーソルを合わせると詳細を表示し、クリックするとその類似度をプロットします。</translation>
    </message>
    <message>
        <source>threshold Θ(t) = 1: no exit at this step (warm-up, or decoder exits off)</source>
        <translation>閾値 Θ(t) = 1: このステップでは終了しません（ウォームアップ中、またはデコーダの終了が無効）</translation>
    </message>
    <message>
        <source>threshold Θ(t) = %1 (exit when cos(h&lt;sub&gt;i&lt;/sub&gt;, h&lt;sub&gt;i-1&lt;/sub&gt;) &amp;gt; Θ)</source>
        <translation>閾値 Θ(t) = %1（cos(h&lt;sub&gt;i&lt;/sub&gt;, h&lt;sub&gt;i-1&lt;/sub&gt;) &amp;gt; Θ で終了）</translation>
    </message>
    <message>
        <source>fixed depth: %1 layers</source>
        <translation>固定の深さ: %1 層</translation>
    </message>
    <message>
        <source>exit when the head&apos;s entropy &amp;lt; %1 nats</source>
        <translation>ヘッドのエントロピー &amp;lt; %1 nat で終了</translation>
    </message>
    <message>
        <source>exit when the prediction is unchanged for %1 layers</source>
        <translation>予測が %1 層にわたって変わらなければ終了</translation>
    </message>
    <message>
        <source>exit when the head&apos;s top probability &amp;gt; %1</source>
        <translation>ヘッドの最大確率 &amp;gt; %1 で終了</translation>
    </message>
    <message>
        <source>no exits (full model)</source>
        <translation>終了なし（フルモデル）</translation>
    </message>
    <message>
        <source>(the scoring pass)</source>
        <translation>（スコアリングパス）</translation>
    </message>
    <message>
        <source>step %1</source>
        <translation>ステップ %1</translation>
    </message>
    <message>
        <source>exit layer %1 of %2</source>
        <translation>終了層 %1 / %2</translation>
    </message>
    <message>
        <source> (exited)</source>
        <translation>（終了）</translation>
    </message>
    <message>
        <source> (ran every layer)</source>
        <translation>（全層を実行）</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>層</translation>
    </message>
    <message>
        <source>the head&apos;s top predictions</source>
        <translation>ヘッドの上位予測</translation>
    </message>
    <message>
        <source>Softmax over the candidate answers at the last prompt position: %1</source>
        <translation>プロンプト最終位置での候補回答に対するソフトマックス: %1</translation>
    </message>
    <message>
        <source>exit layer</source>
        <translation>終了層</translation>
    </message>
    <message>
        <source>(light = exited early, dark = ran every layer)</source>
        <translation>（淡色 = 早期終了、濃色 = 全層を実行）</translation>
    </message>
    <message>
        <source>No output yet</source>
        <translation>出力はまだありません</translation>
    </message>
    <message>
        <source>Answer: </source>
        <translation>回答: </translation>
    </message>
    <message>
        <source>one scoring pass: exit layer %1 of %2</source>
        <translation>1 回のスコアリングパス: 終了層 %1 / %2</translation>
    </message>
</context>
</TS>
