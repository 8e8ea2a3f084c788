"""Made-up titles and bodies for the demo year's items.

Written for the demo from a small vocabulary of the bureau's subjects, so that items
read like the office's daily material and differ from one another (the duplicate
check should flag only real near-copies).  Deterministic for a given random source.
"""

from __future__ import annotations

import random

QUALIFIERS = ["", "一季度", "上半年", "前三季度", "年内", "近期", "多措并举", "扎实推进"]
OPENINGS = [
    "今年以来，{unit}围绕{subject}，{verb}，取得了阶段性成效。",
    "为落实上级部署，{unit}把{subject}作为全年重点工作，{verb}。",
    "{month}，{unit}针对{subject}中出现的新情况，{verb}。",
    "面对外贸形势的新变化，{unit}在{subject}方面主动作为，{verb}。",
]
VERBS = [
    "细化工作方案并明确责任分工",
    "组织专题调研并形成工作建议",
    "开展专项检查并建立工作台账",
    "加强与地方政府部门的沟通协作",
    "完善内部制度并强化过程监督",
    "深入企业走访并现场指导整改",
]
FACTS = [
    "截至{month}，共检验检疫相关货物{n}批，货值{m}万美元，同比增长{p}%。",
    "全年累计走访企业{k}家，帮助企业解决实际问题{q}个。",
    "共检出不合格货物{q}批，均已依法作退运或销毁处理。",
    "组织业务培训{q}期，参训人员{k}人次。",
    "相关做法被总结为{q}项工作经验，在系统内交流推广。",
    "通过优化流程，平均通关时间缩短{p}%，企业反映良好。",
    "协助{k}家企业应对国外技术性贸易措施，挽回损失约{m}万美元。",
    "建立重点企业联系制度，覆盖辖区出口企业{k}家。",
]
ANALYSES = [
    "从目前情况看，部分企业对新标准的理解仍不到位，质量管理体系有待完善。",
    "调研发现，中小企业普遍存在检测能力不足、信息获取渠道有限等问题。",
    "随着国外技术壁垒不断提高，出口企业面临的合规成本持续上升。",
    "基层一线反映，现行工作机制在衔接配合方面还有提升空间。",
    "从数据变化看，相关产品出口结构正在由低端向中高端转变。",
]
MEASURES = [
    "下一步，{unit}将继续加强风险监测，及时发布预警信息，帮助企业规避风险。",
    "下一步，将进一步完善工作机制，推动{subject}常态化、制度化。",
    "建议上级部门加强政策指导，加大对重点行业的扶持力度。",
    "{unit}表示，将以此为契机，持续提升服务水平，为地方外向型经济发展保驾护航。",
    "下一步，将加强与相关部门的信息共享，形成监管合力。",
]
CAPTIONS = [
    "{unit}工作人员在{place}开展{subject}现场检查。",
    "{month}，{unit}检验检疫人员在{place}查验货物。",
    "{unit}业务骨干为企业讲解{subject}相关要求。",
]
PLACES = ["常州港", "出口企业生产车间", "进境集装箱查验场", "口岸现场", "实验室"]
MONTHS = ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"]


def title(rng: random.Random, unit: str, subjects: list[str], angles: list[str], used: set) -> str:
    """A title for one of the unit's items, not used before by that unit."""
    for _ in range(200):
        candidate = f"{unit}{rng.choice(QUALIFIERS)}{rng.choice(subjects)}{rng.choice(angles)}"
        if candidate not in used:
            break
    used.add(candidate)
    return candidate


def body(rng: random.Random, unit: str, subject: str, kind: str, length: int) -> str:
    """An HTML body of about ``length`` characters (a caption for a photo)."""

    def fill(template: str) -> str:
        return template.format(
            unit=unit,
            subject=subject,
            verb=rng.choice(VERBS),
            month=rng.choice(MONTHS),
            place=rng.choice(PLACES),
            n=rng.randint(120, 5000),
            m=rng.randint(50, 9000),
            p=rng.randint(3, 40),
            k=rng.randint(10, 300),
            q=rng.randint(2, 30),
        )

    if kind == "tupian":
        return f"<p>{fill(rng.choice(CAPTIONS))}</p>"
    # Each sentence pattern at most once per body, in a shuffled order.
    unused = {id(pool): rng.sample(pool, len(pool)) for pool in (FACTS, ANALYSES, VERBS)}

    def take(pool: list[str], n: int) -> list[str]:
        left = unused[id(pool)]
        taken, unused[id(pool)] = left[:n], left[n:]
        return taken

    paragraphs = [fill(rng.choice(OPENINGS)) + "".join(fill(f) for f in take(FACTS, 2))]
    pools = [ANALYSES, FACTS, VERBS, FACTS]
    while sum(len(p) for p in paragraphs) < length - 60:
        pool = pools[len(paragraphs) % len(pools)]
        sentences = take(pool, 1 if pool is VERBS else 2)
        if not sentences:
            break
        if pool is VERBS:
            paragraphs.append(f"{unit}还{sentences[0]}，工作成效进一步显现。")
        else:
            paragraphs.append("".join(fill(s) for s in sentences))
    paragraphs.append(fill(rng.choice(MEASURES)))
    return "".join(f"<p>{p}</p>" for p in paragraphs)
