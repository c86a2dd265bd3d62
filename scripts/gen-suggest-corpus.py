#!/usr/bin/env python3
"""Writes the `portalfeed suggest` corpus under fixtures/suggest/.

Each case is one list section in the style of one kind of site (TRS WCM,
Hanweb, WordPress, Drupal, a plain table, a card grid, ...): its list
page(s), an article page per entry, and `expected.json` with what a scrape
of the section must give (link, full title, date as the article prints it,
author/source). The pages are written here for this project; no page is
copied from anywhere. Run from the crate root: `python3 scripts/gen-suggest-corpus.py`.
"""

import html
import json
import os
import shutil

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "suggest")

EN_SENTENCES = [
    "The plan was approved at the executive meeting of the municipal government on Monday morning.",
    "Officials said the work would be finished before the rainy season, weather permitting.",
    "About {n} residents took part in the hearings held in the three districts last month.",
    "The budget of {n} million yuan comes from the city and the provincial transport fund.",
    "A hotline and an online form are open for suggestions until the end of the month.",
    "Teachers, doctors and volunteers from {n} communities joined the first round of the programme.",
    "The department will publish a progress report every quarter on this website.",
    "Visitors are asked to use public transport, as parking near the site is limited.",
    "Inspections found that {n} percent of the sites already meet the new standard.",
    "The next phase covers the rural townships and starts in the autumn.",
]

ZH_SENTENCES = [
    "会议指出，要坚持问题导向，扎实推进各项工作落实落细。",
    "据了解，该项目总投资约{n}亿元，预计年底前全面完工。",
    "全市共有{n}个社区参与此次活动，群众满意度明显提升。",
    "下一步，有关部门将加强督导检查，确保各项措施落到实处。",
    "活动现场，工作人员向市民发放宣传资料{n}余份，解答咨询问题。",
    "市民可通过政务服务热线或网上平台反映意见建议。",
    "此次检查共发现问题{n}个，均已责令相关单位限期整改。",
    "与会人员围绕重点任务进行了深入交流，提出了具体意见。",
    "该市将进一步优化营商环境，提升政务服务效能。",
    "据统计，今年以来全市累计完成投资同比增长{n}个百分点。",
]


def paragraphs(zh, seed, count=4):
    bank = ZH_SENTENCES if zh else EN_SENTENCES
    out = []
    for p in range(count):
        sents = []
        for s in range(3):
            k = (seed * 7 + p * 3 + s) % len(bank)
            sents.append(bank[k].format(n=(seed * 13 + p * 5 + s * 3) % 90 + 10))
        out.append(("" if zh else " ").join(sents))
    return out


def esc(s):
    return html.escape(s, quote=True)


def cut(title, n):
    return title if len(title) <= n else title[:n] + "..."


class Case:
    def __init__(self, name, style, zh, timezone, encoding="utf-8"):
        self.name = name
        self.style = style
        self.zh = zh
        self.timezone = timezone
        self.encoding = encoding
        self.files = {}
        self.entries = []

    def write(self, rel, text):
        self.files[rel] = text

    def save(self):
        d = os.path.join(ROOT, self.name)
        for rel, text in self.files.items():
            path = os.path.join(d, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(text.encode(self.encoding))
        exp = {
            "style": self.style,
            "list": "index.html",
            "timezone": self.timezone,
            "entries": self.entries,
        }
        with open(os.path.join(d, "expected.json"), "w", encoding="utf-8") as f:
            json.dump(exp, f, ensure_ascii=False, indent=2)
            f.write("\n")


def entry(case, link, title, date, author):
    case.entries.append({"link": link, "title": title, "date": date, "author": author})


# ---------------------------------------------------------------- TRS table
def trs_table():
    c = Case("trs-table", "TRS WCM: table rows, td dates, header row", True, "Asia/Shanghai")
    titles = [
        "市人民政府关于进一步加强城市道路交通安全管理工作的通知",
        "关于开展2024年度全市安全生产大检查的实施方案",
        "市政府办公室关于印发城区老旧小区改造三年行动计划的通知",
        "市人民政府关于公布第五批市级非物质文化遗产代表性项目名录的通知",
        "关于做好2024年夏季防汛抗旱工作的紧急通知",
        "市政府办公室关于调整城乡居民基本医疗保险筹资标准的通知",
        "关于进一步规范全市政府投资项目管理的若干意见",
    ]
    rows = []
    for i, t in enumerate(titles):
        day = 28 - i * 3
        date = f"2024-05-{day:02d}"
        href = f"./202405/t202405{day:02d}_{3100 + i}.html"
        source = ["市政府办公室", "市应急管理局", "市住房和城乡建设局", "市文化旅游广电局", "市水利局", "市医疗保障局", "市发展和改革委员会"][i]
        rows.append(
            f'<tr><td class="bt"><a href="{href}" target="_blank" title="{esc(t)}">{esc(cut(t, 18))}</a></td>'
            f'<td align="center">{date}</td></tr>'
        )
        body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs(True, i + 1))
        art = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{esc(t)}_通知公告_衡州市人民政府</title></head>
<body>
<div class="top"><img src="/images/logo.png" alt="衡州市人民政府"></div>
<div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/tzgg/">通知公告</a></div>
<div class="main">
<div class="weizhi">当前位置：<a href="/">首页</a> &gt; <a href="../">通知公告</a></div>
<div class="detail">
<div class="detail_title">{esc(t)}</div>
<div class="detail_info">发布时间：{date} 09:{10 + i:02d}　来源：{source}　<span class="fontsize">字号：[<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a> <a href="javascript:doZoom(12)">小</a>]</span></div>
<div class="TRS_Editor">{body}</div>
<div class="print"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
</div>
<div class="footer">主办：衡州市人民政府办公室　备案号：湘ICP备05000000号</div>
<script>var _hmt = _hmt || [];</script>
</body></html>
"""
        c.write(href[2:], art)
        entry(c, href, t, f"{date} 09:{10 + i:02d}", source)
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>通知公告_衡州市人民政府</title>
<script src="/js/jquery.js"></script></head>
<body>
<div class="top"><img src="/images/logo.png" alt="衡州市人民政府"></div>
<div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/tzgg/">通知公告</a> <a href="/hdjl/">互动交流</a> <a href="/bsfw/">办事服务</a></div>
<div class="main">
<div class="left"><div class="lmmc">政务公开</div>
<ul><li><a href="/zwgk/ldjj/">领导简介</a></li><li><a href="/zwgk/jgzn/">机构职能</a></li><li><a href="/tzgg/">通知公告</a></li></ul></div>
<div class="right">
<div class="weizhi">当前位置：<a href="/">首页</a> &gt; 通知公告</div>
<table class="list_table" width="100%" cellspacing="0" cellpadding="0">
<tr><th>标题</th><th width="100">发布日期</th></tr>
{chr(10).join(rows)}
</table>
</div>
</div>
<div class="footer">主办：衡州市人民政府办公室　备案号：湘ICP备05000000号</div>
</body></html>
"""
    c.write("index.html", page)
    c.save()


# ---------------------------------------------------------------- TRS ul li, split lists
def trs_ul():
    c = Case("trs-ul", "TRS WCM: ul li with span dates, split in two ul, next link", True, "Asia/Shanghai")
    titles = [
        "我市召开全市优化营商环境工作推进会",
        "市领导调研重点项目建设工作",
        "全市春季植树造林活动全面启动",
        "我市举办2024年人才招聘暨就业援助月活动",
        "市政府与省农业银行签署战略合作协议",
        "全市义务教育学校招生工作安排公布",
        "我市新增三家国家级高新技术企业孵化器",
        "城区十条道路提质改造工程顺利完工",
        "市人大常委会开展食品安全法执法检查",
        "全市农村人居环境整治现场推进会召开",
        "我市启动第二十届科技活动周",
    ]
    pages = [titles[:6], titles[6:]]
    n = 0
    for pi, chunk in enumerate(pages):
        uls = [[], []]
        for j, t in enumerate(chunk):
            day = 30 - n * 2
            date = f"2024-04-{day:02d}"
            href = f"./202404/t202404{day:02d}_{5200 + n}.html"
            if pi == 1:
                href = href.replace("./", "./")
            uls[0 if j < (len(chunk) + 1) // 2 else 1].append(
                f'<li><span>{date}</span><a href="{href}" target="_blank">{esc(t)}</a></li>'
            )
            src = ["衡州日报", "市政府办公室", "市林业局", "市人社局", "市金融办", "市教育局", "市科技局", "市住建局", "市人大常委会办公室", "市农业农村局", "市科协"][n]
            body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs(True, n + 20))
            art = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{esc(t)}-衡州新闻网</title></head>
<body>
<div id="header"><a href="/"><img src="/images/logo.png" alt="衡州新闻网"></a></div>
<div id="menu"><ul><li><a href="/">首页</a></li><li><a href="/bmdt/">部门动态</a></li><li><a href="/xqdt/">县区动态</a></li></ul></div>
<div class="wrap">
<h1 class="title">{esc(t)}</h1>
<div class="property"><span>发布时间：{date} 10:{n * 3:02d}</span> <span>来源：{src}</span> <span class="bdshare"><a href="#">分享到微信</a></span></div>
<div class="article-content" id="zoom">{body}</div>
<div class="related"><h3>相关新闻</h3><ul><li><a href="./202404/t20240401_1.html">我市召开安全生产工作会议</a></li><li><a href="./202404/t20240402_2.html">我市开展消防宣传月活动</a></li></ul></div>
</div>
<div id="footer">版权所有：衡州新闻网　湘ICP备05000001号</div>
</body></html>
"""
            c.write(href[2:], art)
            entry(c, href, t, f"{date} 10:{n * 3:02d}", src)
            n += 1
        lists = "\n".join(f'<ul class="news_list">{"".join(u)}</ul><div class="line"></div>' for u in uls if u)
        if pi == 0:
            pager = '<div class="pagebar">共2页 第1页 <a href="index_1.html" class="next">下一页</a> <a href="index_1.html">尾页</a></div>'
        else:
            pager = '<div class="pagebar">共2页 第2页 <a href="index.html">首页</a> <a href="index.html">上一页</a></div>'
        page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>部门动态-衡州新闻网</title></head>
<body>
<div id="header"><a href="/"><img src="/images/logo.png" alt="衡州新闻网"></a></div>
<div id="menu"><ul><li><a href="/">首页</a></li><li><a href="/bmdt/">部门动态</a></li><li><a href="/xqdt/">县区动态</a></li><li><a href="/zwgk/">政务公开</a></li></ul></div>
<div class="wrap">
<div class="column_title">部门动态</div>
<div class="column_list">
{lists}
</div>
{pager}
</div>
<div id="footer">版权所有：衡州新闻网　湘ICP备05000001号</div>
</body></html>
"""
        c.write("index.html" if pi == 0 else f"index_{pi}.html", page)
    c.save()


# ---------------------------------------------------------------- Hanweb
def hanweb():
    c = Case("hanweb", "Hanweb: table-based list with span dates, #zoom article", True, "Asia/Shanghai")
    titles = [
        "关于2024年第一季度政府网站检查情况的通报",
        "县人民政府关于印发重点民生实事项目的通知",
        "县政府常务会议研究部署防汛救灾工作",
        "关于公开征求《县城市容貌标准》意见的公告",
        "县医疗保障局开展打击欺诈骗保专项行动",
        "县人民政府关于划定禁止燃放烟花爆竹区域的通告",
    ]
    rows = []
    for i, t in enumerate(titles):
        day = 20 - i * 3
        date = f"2024-03-{day:02d}"
        href = f"/art/2024/3/{day}/art_1229_{88100 + i}.html"
        rows.append(
            f'<tr><td width="15"><img src="/images/dot.gif"></td><td><a href="{href}" target="_blank" title="{esc(t)}">{esc(t)}</a></td>'
            f'<td width="90"><span class="bt_time">{date}</span></td></tr>'
        )
        src = ["县政务服务中心", "县政府办公室", "县政府办公室", "县城市管理局", "县医疗保障局", "县公安局"][i]
        body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs(True, i + 40))
        art = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{esc(t)} 衡东县人民政府</title></head>
<body>
<table width="1000" align="center"><tr><td><img src="/images/banner.jpg"></td></tr></table>
<table width="1000" align="center" class="bt_content_table"><tr><td>
<div class="main-fl-tit">{esc(t)}</div>
<table width="100%"><tr><td class="main-fl-xx">发布日期：{date} 15:{20 + i:02d}　信息来源：{src}　浏览次数：<script>document.write(123)</script>　<span class="fontzoom">字体：[<a href="javascript:doZoom(20)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(12)">小</a>]</span></td></tr></table>
<div id="zoom">{body}</div>
<div class="main-fl-share"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
</td></tr></table>
<table width="1000" align="center"><tr><td class="foot">衡东县人民政府办公室主办　湘ICP备05000002号</td></tr></table>
</body></html>
"""
        c.write(href.lstrip("/").replace("art/", "art/", 1), art)
        entry(c, href, t, f"{date} 15:{20 + i:02d}", src)
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>政府信息公开 衡东县人民政府</title></head>
<body>
<table width="1000" align="center"><tr><td><img src="/images/banner.jpg"></td></tr></table>
<table width="1000" align="center"><tr>
<td width="220" valign="top"><table class="left_nav"><tr><td><a href="/col/col1228/">政策文件</a></td></tr><tr><td><a href="/col/col1229/">通知公告</a></td></tr><tr><td><a href="/col/col1230/">工作动态</a></td></tr></table></td>
<td valign="top">
<div class="bt_title">通知公告</div>
<div id="div1229">
<table width="100%" class="tb_list">
{chr(10).join(rows)}
</table>
</div>
</td></tr></table>
<table width="1000" align="center"><tr><td class="foot">衡东县人民政府办公室主办　湘ICP备05000002号</td></tr></table>
</body></html>
"""
    # The Hanweb list lives at /col/col1229/index.html; the case root serves it.
    c.write("index.html", page)
    c.save()


# ---------------------------------------------------------------- WordPress
def wordpress():
    c = Case("wordpress", "WordPress: article.post, time[datetime], page/2/", False, "UTC")
    titles = [
        "Riverside Park Reopens With New Playground and Cycle Paths",
        "Council Approves Budget for Street Lighting Upgrade",
        "Library Extends Opening Hours During Exam Season",
        "Volunteers Plant 1,200 Trees Along the Northern Ring Road",
        "New Bus Timetable Takes Effect on the First of June",
        "Public Consultation Opens on Old Town Parking Rules",
        "Summer Swimming Lessons: Registration Now Open",
        "Recycling Centre Accepts Electronics From Next Week",
    ]
    authors = ["Jane Doe", "Tom Baker", "Mei Lin", "Jane Doe", "Ravi Patel", "Tom Baker", "Anna Weber", "Mei Lin"]
    pages = [titles[:5], titles[5:]]
    n = 0
    for pi, chunk in enumerate(pages):
        posts = []
        for t in chunk:
            day = 24 - n * 2
            slug = t.lower().replace(",", "").replace(":", "").replace(" ", "-")
            rel = f"2024/05/{day:02d}/{slug}/index.html"
            link = f"/2024/05/{day:02d}/{slug}/"
            iso = f"2024-05-{day:02d}T{8 + n:02d}:30:00+02:00"
            human = f"May {day}, 2024"
            posts.append(f"""<article id="post-{700 + n}" class="post-{700 + n} post type-post status-publish format-standard hentry category-news">
<header class="entry-header"><h2 class="entry-title"><a href="{link}" rel="bookmark">{esc(t)}</a></h2>
<div class="entry-meta"><span class="posted-on">Posted on <a href="{link}" rel="bookmark"><time class="entry-date published" datetime="{iso}">{human}</time></a></span></div></header>
<div class="entry-summary"><p>{esc(paragraphs(False, n + 3, 1)[0][:140])} [&hellip;]</p></div>
</article>""")
            body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs(False, n + 3))
            art = f"""<!DOCTYPE html>
<html lang="en-US"><head><meta charset="UTF-8"><title>{esc(t)} &#8211; Eastbrook Town News</title>
<link rel="stylesheet" href="/wp-content/themes/twentyseventeen/style.css"></head>
<body class="post-template-default single single-post">
<header id="masthead" class="site-header"><p class="site-title"><a href="/">Eastbrook Town News</a></p>
<nav id="site-navigation" class="main-navigation"><ul id="top-menu" class="menu"><li><a href="/">Home</a></li><li><a href="/category/news/">News</a></li><li><a href="/events/">Events</a></li></ul></nav></header>
<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">
<article id="post-{700 + n}" class="post type-post status-publish hentry">
<header class="entry-header"><h1 class="entry-title">{esc(t)}</h1>
<div class="entry-meta"><span class="posted-on">Posted on <time class="entry-date published" datetime="{iso}">{human}</time></span> <span class="byline">by <span class="author vcard"><a class="url fn n" href="/author/{authors[n].split()[0].lower()}/">{authors[n]}</a></span></span></div></header>
<div class="entry-content">{body}
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3><ul><li><a href="https://twitter.com/share">Twitter</a></li><li><a href="https://facebook.com/share">Facebook</a></li></ul></div>
</div>
</article>
<div id="jp-relatedposts" class="jp-relatedposts"><h3>Related</h3><p><a href="/2024/04/02/spring-clean/">Spring Clean-Up Day Draws Record Crowd</a></p></div>
</main></div>
<aside id="secondary" class="widget-area"><section class="widget"><h2 class="widget-title">Recent Posts</h2><ul><li><a href="/2024/04/20/market/">Farmers Market Returns</a></li><li><a href="/2024/04/18/pool/">Pool Repairs Finished</a></li></ul></section></aside>
</div>
<footer id="colophon" class="site-footer"><p>Proudly powered by WordPress</p></footer>
</body></html>
"""
            c.write(rel, art)
            entry(c, link, t, iso, authors[n])
            n += 1
        nav = (
            '<nav class="navigation pagination"><div class="nav-links"><span class="page-numbers current">1</span> <a class="page-numbers" href="/category/news/page/2/">2</a> <a class="next page-numbers" href="/category/news/page/2/">Next &rarr;</a></div></nav>'
            if pi == 0
            else '<nav class="navigation pagination"><div class="nav-links"><a class="prev page-numbers" href="/category/news/">&larr; Previous</a> <a class="page-numbers" href="/category/news/">1</a> <span class="page-numbers current">2</span></div></nav>'
        )
        page = f"""<!DOCTYPE html>
<html lang="en-US"><head><meta charset="UTF-8"><title>News &#8211; Eastbrook Town News</title></head>
<body class="archive category category-news">
<header id="masthead" class="site-header"><p class="site-title"><a href="/">Eastbrook Town News</a></p>
<nav id="site-navigation" class="main-navigation"><ul id="top-menu" class="menu"><li><a href="/">Home</a></li><li><a href="/category/news/">News</a></li><li><a href="/events/">Events</a></li><li><a href="/about/">About the Town Council</a></li></ul></nav></header>
<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">
<header class="page-header"><h1 class="page-title">Category: News</h1></header>
{chr(10).join(posts)}
{nav}
</main></div>
<aside id="secondary" class="widget-area"><section class="widget"><h2 class="widget-title">Recent Posts</h2><ul><li><a href="/2024/04/20/market/">Farmers Market Returns to the Square</a></li><li><a href="/2024/04/18/pool/">Pool Repairs Finished Ahead of Summer</a></li></ul></section></aside>
</div>
<footer id="colophon" class="site-footer"><p>Proudly powered by WordPress</p></footer>
</body></html>
"""
        c.write("category/news/index.html" if pi == 0 else "category/news/page/2/index.html", page)
    c.save()
    # The list is not at the case root: say where it is.
    p = os.path.join(ROOT, c.name, "expected.json")
    with open(p, encoding="utf-8") as f:
        exp = json.load(f)
    exp["list"] = "category/news/"
    with open(p, "w", encoding="utf-8") as f:
        json.dump(exp, f, ensure_ascii=False, indent=2)
        f.write("\n")


# ---------------------------------------------------------------- Drupal
def drupal():
    c = Case("drupal", "Drupal: div.views-row, pager-next link, Submitted by", False, "UTC")
    titles = [
        "Water Main Replacement on Elm Street Begins Monday",
        "Mayor Presents Annual Report to Residents",
        "Community Garden Plots Available for the 2024 Season",
        "Fire Station Open Day Draws Hundreds of Families",
        "Snow Clearing Contract Awarded After Public Tender",
        "Town Hall Closed for Renovation Until September",
        "Senior Citizens Invited to Free Digital Skills Course",
    ]
    authors = ["Public Works", "Communications Office", "Parks Department", "Fire Service", "Public Works", "Facilities Team", "Library Services"]
    pages = [titles[:4], titles[4:]]
    n = 0
    for pi, chunk in enumerate(pages):
        rows = []
        for t in chunk:
            day = 27 - n * 3
            slug = t.lower().replace(" ", "-")
            link = f"/news/{slug}"
            human = f"{day} May 2024"
            rows.append(f"""<div class="views-row views-row-{n + 1}">
<div class="views-field views-field-title"><span class="field-content"><a href="{link}">{esc(t)}</a></span></div>
<div class="views-field views-field-created"><span class="field-content"><span class="date-display-single">{human}</span></span></div>
<div class="views-field views-field-body"><div class="field-content"><p>{esc(paragraphs(False, n + 11, 1)[0][:150])}</p></div></div>
</div>""")
            body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs(False, n + 11))
            art = f"""<!DOCTYPE html>
<html lang="en" dir="ltr"><head><meta charset="utf-8"><title>{esc(t)} | Town of Millbrook</title></head>
<body class="html not-front page-node node-type-article">
<div id="header"><a href="/" class="logo">Town of Millbrook</a>
<div class="region region-navigation"><ul class="menu"><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/services">Services</a></li></ul></div></div>
<div id="main"><div id="content" class="column">
<h1 class="page-title">{esc(t)}</h1>
<div id="node-{400 + n}" class="node node-article">
<div class="submitted">Submitted by {authors[n]} on {human}</div>
<div class="field field-name-body"><div class="field-items"><div class="field-item even">{body}</div></div></div>
<div class="service-links"><a href="/print/node/{400 + n}">Print</a> <a href="https://www.facebook.com/sharer.php">Share</a></div>
</div>
</div></div>
<div id="footer"><p>Town of Millbrook, 1 Market Square</p></div>
</body></html>
"""
            c.write(f"news/{slug}.html", art)
            # The fixture server serves files: the link has no extension on
            # a real Drupal site; here it is the .html file.
            rows[-1] = rows[-1].replace(f'href="{link}"', f'href="{link}.html"')
            entry(c, f"{link}.html", t, f"2024-05-{day:02d}", authors[n])
            n += 1
        pager = (
            '<div class="item-list"><ul class="pager"><li class="pager-current first">1</li><li class="pager-item"><a href="/news/page1.html">2</a></li><li class="pager-next"><a title="Go to next page" href="/news/page1.html">next ›</a></li><li class="pager-last last"><a href="/news/page1.html">last »</a></li></ul></div>'
            if pi == 0
            else '<div class="item-list"><ul class="pager"><li class="pager-first first"><a href="/news/">« first</a></li><li class="pager-previous"><a href="/news/">‹ previous</a></li><li class="pager-current last">2</li></ul></div>'
        )
        page = f"""<!DOCTYPE html>
<html lang="en" dir="ltr"><head><meta charset="utf-8"><title>News | Town of Millbrook</title></head>
<body class="html not-front page-news">
<div id="header"><a href="/" class="logo">Town of Millbrook</a>
<div class="region region-navigation"><ul class="menu"><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/services">Services</a></li><li><a href="/contact">Contact the Town Office</a></li></ul></div></div>
<div id="main"><div id="content" class="column">
<h1 class="page-title">News</h1>
<div class="view view-news view-id-news view-display-id-page">
<div class="view-content">
{chr(10).join(rows)}
</div>
{pager}
</div>
</div></div>
<div id="footer"><p>Town of Millbrook, 1 Market Square</p></div>
</body></html>
"""
        c.write("news/index.html" if pi == 0 else "news/page1.html", page)
    c.save()
    p = os.path.join(ROOT, c.name, "expected.json")
    with open(p, encoding="utf-8") as f:
        exp = json.load(f)
    exp["list"] = "news/"
    with open(p, "w", encoding="utf-8") as f:
        json.dump(exp, f, ensure_ascii=False, indent=2)
        f.write("\n")


# ---------------------------------------------------------------- plain table
def plain_table():
    c = Case("plain-table", "a plain <table> of notices, no classes", True, "Asia/Shanghai")
    titles = [
        "关于2024年春季学期开学工作安排的通知",
        "关于举办第十二届校园科技文化节的通知",
        "关于做好教职工年度考核工作的通知",
        "关于开展校园安全隐患排查整治的通知",
        "关于公布2024年优秀教研成果评选结果的通知",
        "关于组织参加全市中小学生运动会的通知",
    ]
    rows = []
    for i, t in enumerate(titles):
        day = 25 - i * 4
        href = f"notice/{2024}0{2 + i // 3}{day:02d}{i}.html"
        d = f"2024/0{2 + i // 3}/{day:02d}"
        rows.append(f'<tr>\n<td height="26">·<a href="{href}">{esc(t)}</a></td>\n<td width="90">{d}</td>\n</tr>')
        author = ["教务处", "团委", "人事处", "保卫处", "教科室", "体育组"][i]
        body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs(True, i + 60, 3))
        art = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{esc(t)}</title></head>
<body>
<table width="900" border="0" align="center"><tr><td><img src="../images/top.jpg"></td></tr></table>
<table width="900" border="0" align="center"><tr><td>
<h2 align="center">{esc(t)}</h2>
<p align="center"><font color="#666666">作者：{author}　日期：{d}　点击：<span id="hits">35</span></font></p>
<div class="text">{body}</div>
</td></tr></table>
<table width="900" border="0" align="center"><tr><td align="center">衡州市第一中学　湘ICP备05000003号</td></tr></table>
</body></html>
"""
        c.write(href, art)
        entry(c, href, t, d.replace("/", "-"), author)
    page = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>通知公告 - 衡州市第一中学</title></head>
<body>
<table width="900" border="0" align="center"><tr><td><img src="images/top.jpg"></td></tr></table>
<table width="900" border="0" align="center"><tr>
<td width="200" valign="top"><a href="index.html">学校首页</a><br><a href="about.html">学校概况</a><br><a href="news.html">校园新闻</a></td>
<td valign="top">
<table width="100%" border="0" cellspacing="0" cellpadding="0">
{chr(10).join(rows)}
</table>
</td></tr></table>
<table width="900" border="0" align="center"><tr><td align="center">衡州市第一中学　湘ICP备05000003号</td></tr></table>
</body></html>
"""
    c.write("index.html", page)
    c.save()


# ---------------------------------------------------------------- card grid
def card_grid():
    c = Case("card-grid", "a card grid (image, h3 link, text, small date), rel=next", False, "UTC")
    titles = [
        "Harbour Festival Returns With Tall Ships and Night Market",
        "New Cycle Bridge Links the Two Banks of the River",
        "City Museum Opens Gallery of Local Industrial History",
        "Winter Shelter Programme Helps 300 People in First Month",
        "Students Design Solar Benches for the Central Square",
        "Old Tram Depot to Become a Community Arts Centre",
        "Free Wi-Fi Now Available in All Public Libraries",
    ]
    authors = ["Sara Okafor", "Liam Chen", "Sara Okafor", "Ines Duarte", "Liam Chen", "Noah Klein", "Ines Duarte"]
    pages = [titles[:4], titles[4:]]
    n = 0
    for pi, chunk in enumerate(pages):
        cards = []
        for t in chunk:
            day = 22 - n * 3
            link = f"/stories/{3000 + n}.html"
            human = f"April {day}, 2024"
            cards.append(f"""<div class="col-md-4"><div class="card">
<a href="{link}" class="card-img"><img src="/img/{3000 + n}.jpg" alt=""></a>
<div class="card-body"><h3 class="card-title"><a href="{link}">{esc(t)}</a></h3>
<p class="card-text">{esc(paragraphs(False, n + 31, 1)[0][:120])}</p>
<small class="text-muted">{human}</small></div></div></div>""")
            body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs(False, n + 31))
            art = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(t)} - Port Alder City</title></head>
<body>
<nav class="navbar"><a class="navbar-brand" href="/">Port Alder City</a><a href="/stories/">Stories</a> <a href="/events/">Events</a></nav>
<div class="container">
<article class="story">
<h1 class="story-title">{esc(t)}</h1>
<p class="story-meta">By {authors[n]} · {human}</p>
<div class="story-body">{body}</div>
<div class="social-share"><a href="https://twitter.com/intent/tweet">Tweet</a> <a href="mailto:?subject=story">Email</a></div>
</article>
</div>
<footer class="footer">© Port Alder City Council</footer>
</body></html>
"""
            c.write(link.lstrip("/"), art)
            entry(c, link, t, f"2024-04-{day:02d}", authors[n])
            n += 1
        pager = (
            '<ul class="pagination"><li class="page-item active"><span>1</span></li><li class="page-item"><a class="page-link" href="/stories/page-2.html">2</a></li><li class="page-item"><a class="page-link" rel="next" href="/stories/page-2.html">»</a></li></ul>'
            if pi == 0
            else '<ul class="pagination"><li class="page-item"><a class="page-link" rel="prev" href="/stories/">«</a></li><li class="page-item active"><span>2</span></li></ul>'
        )
        page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Stories - Port Alder City</title></head>
<body>
<nav class="navbar"><a class="navbar-brand" href="/">Port Alder City</a><a href="/stories/">Stories</a> <a href="/events/">Events</a> <a href="/council/">City Council</a></nav>
<div class="container">
<h1>Stories</h1>
<div class="row">
{chr(10).join(cards)}
</div>
{pager}
</div>
<footer class="footer">© Port Alder City Council</footer>
</body></html>
"""
        c.write("stories/index.html" if pi == 0 else "stories/page-2.html", page)
    c.save()
    p = os.path.join(ROOT, c.name, "expected.json")
    with open(p, encoding="utf-8") as f:
        exp = json.load(f)
    exp["list"] = "stories/"
    with open(p, "w", encoding="utf-8") as f:
        json.dump(exp, f, ensure_ascii=False, indent=2)
        f.write("\n")


# ---------------------------------------------------------------- [05-13] dates
def bracket_dates():
    c = Case("bracket-dates", "a list whose dates are [05-13] (no year)", True, "Asia/Shanghai")
    titles = [
        "区委中心组开展专题学习研讨",
        "我区召开2024年重点项目建设调度会",
        "区领导带队检查节前安全生产工作",
        "我区举行新就业形态劳动者权益保障宣传活动",
        "区政府召开第十二次常务会议",
        "我区开展“垃圾分类进社区”主题活动",
        "区人民医院新院区正式投入使用",
    ]
    items = []
    for i, t in enumerate(titles):
        day = 13 - i
        href = f"content_{7700 + i}.html"
        items.append(f'<li><a href="{href}" target="_blank">{esc(t)}</a><em>[05-{day:02d}]</em></li>')
        src = ["区委办公室", "区发改局", "区应急管理局", "区总工会", "区政府办公室", "区城管局", "区卫健局"][i]
        body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs(True, i + 70))
        art = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{esc(t)}-珠晖区人民政府</title></head>
<body>
<div class="header"><div class="logo"><a href="/">珠晖区人民政府</a></div></div>
<div class="container">
<div class="article">
<h2 class="art-title">{esc(t)}</h2>
<div class="art-info">来源：{src}　发布日期：2024-05-{day:02d}　<a class="print" href="javascript:print()">打印</a></div>
<div class="art-con">{body}</div>
</div>
</div>
<div class="footer">珠晖区人民政府办公室　湘ICP备05000004号</div>
</body></html>
"""
        c.write(href, art)
        entry(c, href, t, f"2024-05-{day:02d}", src)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>工作动态-珠晖区人民政府</title></head>
<body>
<div class="header"><div class="logo"><a href="/">珠晖区人民政府</a></div>
<div class="menu"><a href="/">首页</a><a href="/gzdt/">工作动态</a><a href="/zwgk/">政务公开</a><a href="/bsfw/">办事服务</a></div></div>
<div class="container">
<div class="list-box"><h3>工作动态</h3>
<ul class="list-ul">
{chr(10).join(items)}
</ul></div>
</div>
<div class="footer">珠晖区人民政府办公室　湘ICP备05000004号</div>
</body></html>
"""
    c.write("index.html", page)
    c.save()


# ---------------------------------------------------------------- GBK
def gbk():
    c = Case("gbk", "a GBK page declared in <meta>, 年月日 dates", True, "Asia/Shanghai", encoding="gbk")
    titles = [
        "市统计局发布2024年一季度经济运行情况",
        "全市规模以上工业增加值同比增长百分之六",
        "我市社会消费品零售总额稳步回升",
        "市统计局开展统计法治宣传周活动",
        "全市固定资产投资保持较快增长",
        "第五次全国经济普查数据发布",
    ]
    items = []
    for i, t in enumerate(titles):
        day = 18 - i * 2
        href = f"/tjxx/202404/t202404{day:02d}_{600 + i}.htm"
        items.append(f'<li><a href="{href}">{esc(t)}</a><span class="time">2024年04月{day:02d}日</span></li>')
        src = ["市统计局", "市统计局工业科", "市统计局贸易科", "市统计局法规科", "市统计局投资科", "市经济普查办"][i]
        body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs(True, i + 80))
        art = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>{esc(t)}</title></head>
<body>
<div class="head"><img src="/images/tjj.png" alt="衡州市统计局"></div>
<div class="content">
<div class="con_title">{esc(t)}</div>
<div class="con_info">作者：{src}　发布时间：2024年04月{day:02d}日 16:{i * 7:02d}</div>
<div class="con_text">{body}</div>
</div>
<div class="foot">衡州市统计局　湘ICP备05000005号</div>
</body></html>
"""
        c.write(href.lstrip("/"), art)
        entry(c, href, t, f"2024-04-{day:02d} 16:{i * 7:02d}", src)
    page = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>统计信息_衡州市统计局</title></head>
<body>
<div class="head"><img src="/images/tjj.png" alt="衡州市统计局"></div>
<div class="nav"><a href="/">首页</a> | <a href="/tjxx/">统计信息</a> | <a href="/tjfx/">统计分析</a></div>
<div class="main">
<div class="lm_title">统计信息</div>
<div class="lm_list"><ul>
{chr(10).join(items)}
</ul></div>
</div>
<div class="foot">衡州市统计局　湘ICP备05000005号</div>
</body></html>
"""
    c.write("tjxx/index.html", page)
    c.save()
    p = os.path.join(ROOT, c.name, "expected.json")
    with open(p, encoding="utf-8") as f:
        exp = json.load(f)
    exp["list"] = "tjxx/"
    with open(p, "w", encoding="utf-8") as f:
        json.dump(exp, f, ensure_ascii=False, indent=2)
        f.write("\n")


# ---------------------------------------------------------------- two lists
def two_lists():
    c = Case("two-lists", "a page with two lists (news, notices): the news list is the section", False, "Asia/Shanghai")
    news = [
        "Hengzhou Hosts Provincial Forum on Rural Revitalization",
        "Delegation From Sister City Visits Industrial Park",
        "High-Speed Rail Station Square Upgrade Completed",
        "City Wins National Award for Civilized Urban Management",
        "Spring Tea Fair Attracts Buyers From Twelve Provinces",
        "Hengzhou University Opens New Research Centre for Materials",
        "Riverside Greenway Extended by Eight Kilometres",
        "Foreign Trade Volume Up Nine Percent in First Quarter",
    ]
    notices = [
        "Notice on Temporary Traffic Control During the Marathon",
        "Notice on Water Supply Interruption in Yanfeng District",
        "Announcement of the Civil Service Examination Results",
        "Notice on Public Holiday Arrangements for Government Offices",
        "Notice on Applications for Small Business Subsidies",
    ]
    news_items = []
    for i, t in enumerate(news):
        day = 29 - i * 2
        href = f"/en/news/202403/t202403{day:02d}_{900 + i}.html"
        news_items.append(f'<li><a href="{href}" title="{esc(t)}">{esc(cut(t, 40))}</a><span class="date">2024-03-{day:02d}</span></li>')
        src = ["Hengzhou Daily", "Foreign Affairs Office", "Hengzhou Daily", "Urban Management Bureau", "Commerce Bureau", "Hengzhou University", "Hengzhou Daily", "Commerce Bureau"][i]
        body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs(False, i + 90))
        art = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(t)} - Hengzhou China</title></head>
<body>
<div class="header"><a href="/en/"><img src="/en/images/logo.png" alt="Hengzhou"></a></div>
<div class="main">
<div class="pos">Location: <a href="/en/">Home</a> &gt; <a href="/en/news/">News</a></div>
<div class="art">
<h1>{esc(t)}</h1>
<div class="art-meta">Source: {src} | Date: 2024-03-{day:02d} 11:{i * 5:02d} | <a href="javascript:window.print()" class="btn-print">Print</a></div>
<div class="art-body">{body}</div>
</div>
</div>
<div class="footer">Copyright Hengzhou Municipal People's Government. ICP No. 05000006</div>
</body></html>
"""
        c.write(href.lstrip("/"), art)
        entry(c, href, t, f"2024-03-{day:02d} 11:{i * 5:02d}", src)
    notice_items = []
    for i, t in enumerate(notices):
        day = 28 - i * 3
        href = f"/en/notices/202403/t202403{day:02d}_{950 + i}.html"
        notice_items.append(f'<li><a href="{href}">{esc(t)}</a><span class="date">2024-03-{day:02d}</span></li>')
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>News - Hengzhou China</title></head>
<body>
<div class="header"><a href="/en/"><img src="/en/images/logo.png" alt="Hengzhou"></a>
<ul class="nav"><li><a href="/en/">Home</a></li><li><a href="/en/news/">News</a></li><li><a href="/en/notices/">Notices</a></li><li><a href="/en/invest/">Invest</a></li></ul></div>
<div class="main">
<div class="box news-box"><h2>News</h2>
<ul class="txt-list">
{chr(10).join(news_items)}
</ul></div>
<div class="box notice-box"><h2>Notices</h2>
<ul class="txt-list">
{chr(10).join(notice_items)}
</ul></div>
</div>
<div class="footer">Copyright Hengzhou Municipal People's Government. ICP No. 05000006</div>
</body></html>
"""
    c.write("en/news/index.html", page)
    c.save()
    p = os.path.join(ROOT, c.name, "expected.json")
    with open(p, encoding="utf-8") as f:
        exp = json.load(f)
    exp["list"] = "en/news/"
    with open(p, "w", encoding="utf-8") as f:
        json.dump(exp, f, ensure_ascii=False, indent=2)
        f.write("\n")


# ---------------------------------------------------------------- big menu
def big_menu():
    c = Case("big-menu", "a page whose menu has more (and long) links than the list", False, "Asia/Shanghai")
    depts = [
        "Development and Reform Commission", "Education Bureau", "Science and Technology Bureau",
        "Industry and Information Technology Bureau", "Public Security Bureau", "Civil Affairs Bureau",
        "Justice Bureau", "Finance Bureau", "Human Resources and Social Security Bureau",
        "Natural Resources and Planning Bureau", "Ecology and Environment Bureau", "Housing and Urban-Rural Development Bureau",
        "Transport Bureau", "Water Resources Bureau", "Agriculture and Rural Affairs Bureau", "Commerce Bureau",
        "Culture, Tourism, Radio and Television Bureau", "Health Commission", "Veterans Affairs Bureau",
        "Emergency Management Bureau", "Audit Bureau", "State-owned Assets Supervision Commission",
        "Market Supervision Administration", "Statistics Bureau", "Medical Security Bureau", "Forestry Bureau",
        "Urban Management Bureau", "Government Affairs Service Center", "Housing Provident Fund Center",
        "Investment Promotion Bureau", "Foreign Affairs Office", "Ethnic and Religious Affairs Bureau",
    ]
    menu = "".join(f'<li><a href="/en/depts/{k}.html">{esc(d)}</a></li>' for k, d in enumerate(depts))
    titles = [
        "Government Work Report Delivered at the Second Session",
        "Measures to Support Private Enterprises Announced",
        "City Sets Targets for Cleaner Air in 2024",
        "Provincial Inspection Team Reviews Flood Defences",
        "Digital Government Platform Handles One Million Requests",
        "Hengzhou Signs Cooperation Pact With Port City",
    ]
    rows = []
    for i, t in enumerate(titles):
        day = 26 - i * 4
        href = f"/en/gov/202402/t202402{day:02d}_{1200 + i}.html"
        rows.append(f'<li class="clearfix"><a href="{href}">{esc(t)}</a><span>2024-02-{day:02d}</span></li>')
        src = ["General Office", "Commerce Bureau", "Ecology and Environment Bureau", "Water Resources Bureau", "Government Affairs Service Center", "Foreign Affairs Office"][i]
        body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs(False, i + 100))
        art = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(t)} | Hengzhou Government</title></head>
<body>
<div id="top"><a href="/en/">Hengzhou Government</a></div>
<div class="menu"><ul>{menu}</ul></div>
<div class="main">
<h1 class="tit">{esc(t)}</h1>
<div class="info">From:{src} | Date Add in:2024-02-{day:02d} {i + 8:02d}:{15 + i:02d} <span class="font-size">[<a href="javascript:doZoom(16)">A</a> <a href="javascript:doZoom(12)">A</a>]</span></div>
<div class="TRS_Editor">{body}</div>
</div>
<div class="footer">Sponsored by Hengzhou Municipal People's Government. ICP NO: 05000007</div>
</body></html>
"""
        c.write(href.lstrip("/"), art)
        hour = i + 8
        entry(c, href, t, f"2024-02-{day:02d} {hour:02d}:{15 + i:02d}", src)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Government | Hengzhou Government</title></head>
<body>
<div id="top"><a href="/en/">Hengzhou Government</a></div>
<div class="menu"><ul>{menu}</ul></div>
<div class="main">
<div class="lm">Government</div>
<ul class="gov-list">
{chr(10).join(rows)}
</ul>
</div>
<div class="footer">Sponsored by Hengzhou Municipal People's Government. ICP NO: 05000007</div>
</body></html>
"""
    c.write("en/gov/index.html", page)
    c.save()
    p = os.path.join(ROOT, c.name, "expected.json")
    with open(p, encoding="utf-8") as f:
        exp = json.load(f)
    exp["list"] = "en/gov/"
    with open(p, "w", encoding="utf-8") as f:
        json.dump(exp, f, ensure_ascii=False, indent=2)
        f.write("\n")


# ---------------------------------------------------------------- dl/dd list, 年月日 dates
def dl_list():
    c = Case("dl-list", "a dl/dd list with summaries and 2024年5月13日 dates, By … lines", True, "Asia/Shanghai")
    titles = [
        "全省首个数字乡村示范园在我县建成",
        "县人民医院成功开展首例微创心脏手术",
        "我县油茶产业年产值突破十亿元",
        "县图书馆推出夜间阅读服务",
        "县城污水处理厂提标改造工程竣工",
    ]
    items = []
    for i, t in enumerate(titles):
        day = 13 - i * 2
        href = f"/xwzx/{2024}05{day:02d}/{300 + i}.shtml"
        items.append(f"""<div class="news-item">
<dl><dt><a href="{href}">{esc(t)}</a></dt>
<dd class="summary">{esc(paragraphs(True, i + 110, 1)[0][:60])}</dd>
<dd class="pubdate">2024年5月{day}日</dd></dl></div>""")
        author = ["记者 王芳", "通讯员 李明", "记者 张伟", "通讯员 刘洋", "记者 陈静"][i]
        body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs(True, i + 110))
        art = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{esc(t)}_新闻中心_衡南县人民政府</title></head>
<body>
<div class="site-header"><a href="/">衡南县人民政府</a></div>
<div class="content-wrap">
<h1 class="news-title">{esc(t)}</h1>
<div class="news-meta"><span class="pub">2024年5月{day}日 08:{30 + i}</span> <span class="author">作者：{author}</span></div>
<div class="news-text">{body}</div>
<div class="share-bar">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
</div>
<div class="site-footer">衡南县人民政府办公室　湘ICP备05000008号</div>
</body></html>
"""
        c.write(href.lstrip("/"), art)
        entry(c, href, t, f"2024-05-{day:02d} 08:{30 + i}", author)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>新闻中心_衡南县人民政府</title></head>
<body>
<div class="site-header"><a href="/">衡南县人民政府</a>
<div class="site-nav"><a href="/">首页</a><a href="/xwzx/">新闻中心</a><a href="/zwgk/">政务公开</a></div></div>
<div class="content-wrap">
<div class="news-list">
{chr(10).join(items)}
</div>
</div>
<div class="site-footer">衡南县人民政府办公室　湘ICP备05000008号</div>
</body></html>
"""
    c.write("xwzx/index.html", page)
    c.save()
    p = os.path.join(ROOT, c.name, "expected.json")
    with open(p, encoding="utf-8") as f:
        exp = json.load(f)
    exp["list"] = "xwzx/"
    with open(p, "w", encoding="utf-8") as f:
        json.dump(exp, f, ensure_ascii=False, indent=2)
        f.write("\n")


# ---------------------------------------------------------------- TRS script pager
def trs_script():
    c = Case("trs-script", "TRS WCM: ul li with span dates, createPageHTML script pager (3 pages)", True, "Asia/Shanghai")
    titles = [
        "我市召开2024年度生态环境保护工作会议",
        "市生态环境局开展入河排污口排查整治",
        "全市空气质量优良天数比例同比提升",
        "市生态环境局发布第一季度水质监测报告",
        "我市启动“无废城市”建设试点工作",
        "市生态环境局召开重点排污单位座谈会",
        "全市开展危险废物规范化管理专项检查",
        "市生态环境局开展六五环境日宣传活动",
        "我市湘江干流断面水质稳定达到二类标准",
    ]
    n = 0
    for pi in range(3):
        items = []
        for t in titles[pi * 3:(pi + 1) * 3]:
            day = 27 - n * 3
            date = f"2024-06-{day:02d}"
            href = f"./202406/t202406{day:02d}_{8800 + n}.html"
            items.append(f'<li><a href="{href}" target="_blank" title="{esc(t)}">{esc(t)}</a><span>{date}</span></li>')
            body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs(True, n + 120))
            art = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{esc(t)}_衡州市生态环境局</title></head>
<body>
<div class="head"><img src="/images/sthjj.png" alt="衡州市生态环境局"></div>
<div class="content">
<div class="xl_title">{esc(t)}</div>
<div class="xl_time">发布时间：{date} 14:{n * 4:02d}　来源：市生态环境局　<span class="xl_share">分享到：<a href="#">微信</a></span></div>
<div class="TRS_Editor">{body}</div>
</div>
<div class="foot">衡州市生态环境局　湘ICP备05000009号</div>
</body></html>
"""
            c.write(href[2:], art)
            entry(c, href, t, f"{date} 14:{n * 4:02d}", "市生态环境局")
            n += 1
        page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>工作动态_衡州市生态环境局</title></head>
<body>
<div class="head"><img src="/images/sthjj.png" alt="衡州市生态环境局"></div>
<div class="nav"><a href="/">首页</a> <a href="/gzdt/">工作动态</a> <a href="/zwgk/">政务公开</a></div>
<div class="content">
<ul class="list_con">
{chr(10).join(items)}
</ul>
<div class="page"><script type="text/javascript">
var currentPage = {pi};
var countPage = 3;
createPageHTML(3, {pi}, "index", "html");
</script></div>
</div>
<div class="foot">衡州市生态环境局　湘ICP备05000009号</div>
</body></html>
"""
        c.write("index.html" if pi == 0 else f"index_{pi}.html", page)
    c.save()


# ---------------------------------------------------------------- Hanweb, next link by text
def hanweb_next():
    c = Case("hanweb-next", "Hanweb: a 下一页 link known by its text only (contains)", True, "Asia/Shanghai")
    titles = [
        "县交通运输局开展道路运输安全大检查",
        "县农村公路提质改造工程全面开工",
        "县城公交线路优化调整公告",
        "县交通运输局召开汛期安全生产部署会",
        "县开展超限超载车辆联合治理行动",
        "县客运站春运工作圆满结束",
        "县交通运输局推进“四好农村路”建设",
    ]
    pages = [titles[:4], titles[4:]]
    n = 0
    for pi, chunk in enumerate(pages):
        rows = []
        for t in chunk:
            day = 25 - n * 3
            href = f"/art/2024/7/{day}/art_3301_{66000 + n}.html"
            rows.append(f'<tr><td><a href="{href}" title="{esc(t)}" target="_blank">{esc(t)}</a></td><td><span class="bt_time">2024-07-{day:02d}</span></td></tr>')
            body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs(True, n + 130))
            art = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{esc(t)} 衡阳县人民政府</title></head>
<body>
<table width="1000" align="center"><tr><td><img src="/images/banner.jpg"></td></tr></table>
<div class="article">
<div class="main-fl-tit">{esc(t)}</div>
<div class="main-fl-xx">发布日期：2024-07-{day:02d} 09:{n * 6:02d}　信息来源：县交通运输局</div>
<div id="zoom">{body}</div>
</div>
<table width="1000" align="center"><tr><td class="foot">衡阳县人民政府办公室主办　湘ICP备05000010号</td></tr></table>
</body></html>
"""
            c.write(href.lstrip("/"), art)
            entry(c, href, t, f"2024-07-{day:02d} 09:{n * 6:02d}", "县交通运输局")
            n += 1
        if pi == 0:
            pager = '<div class="default_pgPanel">共2页 <a href="index.html">首页</a> <a href="index.html">上一页</a> <a href="list_2.html">下一页</a> <a href="list_2.html">尾页</a></div>'
        else:
            pager = '<div class="default_pgPanel">共2页 <a href="index.html">首页</a> <a href="index.html">上一页</a> <a href="list_2.html">尾页</a></div>'
        page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>交通运输 衡阳县人民政府</title></head>
<body>
<table width="1000" align="center"><tr><td><img src="/images/banner.jpg"></td></tr></table>
<div class="bt_title">交通运输</div>
<table width="100%" class="tb_list">
{chr(10).join(rows)}
</table>
{pager}
<table width="1000" align="center"><tr><td class="foot">衡阳县人民政府办公室主办　湘ICP备05000010号</td></tr></table>
</body></html>
"""
        c.write("index.html" if pi == 0 else "list_2.html", page)
    c.save()


# ---------------------------------------------------------------- Hanweb jpage (datastore script)
def hanweb_jpage():
    c = Case("hanweb-jpage", "Hanweb jpage: entries in a <script type=\"text/xml\"> datastore, #zoom article", True, "Asia/Shanghai")
    entries = [
        ("2024/3/20", 90412, "关于开展2024年春季森林防火专项检查的通知", "09:30", "县林业局"),
        ("2024/3/18", 90398, "县人民政府办公室关于清明节期间值班安排的通知", "16:05", "县政府办公室"),
        ("2024/3/15", 90377, "衡南县2024年第一批就业见习岗位公示", "10:12", "县人力资源和社会保障局"),
        ("2024/3/11", 90350, "关于征集县人大代表建议办理意见的公告", "08:47", "县人大常委会办公室"),
        ("2024/3/7", 90321, "县市场监管局开展春季食品安全抽检", "14:20", "县市场监督管理局"),
        ("2024/3/4", 90302, "衡南县农村人居环境整治工作推进会召开", "11:02", "县农业农村局"),
    ]
    records = []
    for i, (day, n, t, hm, src) in enumerate(entries):
        y, m, d = day.split("/")
        date = f"{y}-{int(m):02d}-{int(d):02d}"
        href = f"/art/{day}/art_3231_{n}.html"
        # The entry's HTML is a CDATA section of an XML record, as the
        # portal's jpage script reads it; an HTML parser sees script text.
        records.append(
            f'<record><![CDATA[\n<li><a href="{href}" target="_blank" title="{esc(t)}">{esc(t)}</a>'
            f'<span class="bt-data-time">[{date}]</span></li>\n]]></record>'
        )
        body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs(True, i + 150, 3))
        art = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{esc(t)} 衡南县人民政府</title>
<script language="javascript" src="/script/hanweb.js"></script></head>
<body>
<div class="header"><a href="/"><img src="/images/3216/logo.png" alt="衡南县人民政府"></a></div>
<div class="weizhi">当前位置：<a href="/">首页</a> &gt; <a href="/col/col3231/index.html">通知公告</a></div>
<div class="article">
<h1 class="art-title">{esc(t)}</h1>
<div class="art-info"><span>发布日期：{date} {hm}</span> <span>信息来源：{src}</span> <span>浏览次数：<script language="javascript" src="/module/visit/count.jsp?artid={n}"></script></span> <span class="zoom">字号：[ <a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a> ]</span></div>
<div id="zoom">{body}</div>
<div class="art-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
<div class="footer">主办：衡南县人民政府办公室 &nbsp; 备案号：湘ICP备00000000号</div>
</body></html>
"""
        c.write(href.lstrip("/"), art)
        entry(c, href, t, f"{date} {hm}", src)
    page = f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>通知公告 衡南县人民政府</title>
<link rel="stylesheet" type="text/css" href="/images/3216/style.css">
</head>
<body>
<div class="header"><a href="/"><img src="/images/3216/logo.png" alt="衡南县人民政府"></a></div>
<div class="nav"><ul><li><a href="/col/col3217/index.html">首页</a></li><li><a href="/col/col3230/index.html">政务公开</a></li><li><a href="/col/col3231/index.html">通知公告</a></li><li><a href="/col/col3232/index.html">政策文件</a></li></ul></div>
<div class="main">
  <div class="weizhi">当前位置：<a href="/">首页</a> &gt; <a href="/col/col3231/index.html">通知公告</a></div>
  <div class="lm_title">通知公告</div>
  <div class="list_con">
<div id="4521088"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=27&path=/&columnid=3231&unitid=4521088&webname=%E8%A1%A1%E5%8D%97%E5%8E%BF&permissiontype=0"></a>]]></nextgroup>
<recordset>
{chr(10).join(records)}
</recordset>
</datastore>
</script><script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script>
$(function () {{
  $('#4521088').jpage({{ perPage: 15, totalRecord: {len(entries)}, proxyUrl: '/module/web/jpage/dataproxy.jsp', groupSize: 3, barPosition: 'bottom', ajaxParam: {{ col: 1, webid: 27, columnid: 3231, unitid: 4521088 }} }});
}});
</script></div>
  </div>
</div>
<div class="footer">主办：衡南县人民政府办公室 &nbsp; 备案号：湘ICP备00000000号</div>
</body>
</html>
"""
    c.write("index.html", page)
    c.save()


# ---------------------------------------------------------------- no-list pages
def no_lists():
    d = os.path.join(ROOT, "_not-lists")
    os.makedirs(d, exist_ok=True)
    body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs(False, 5, 8))
    pages = {
        "article.html": f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Council Approves Budget for Street Lighting Upgrade - Eastbrook</title></head>
<body><div class="menu"><a href="/">Home</a> <a href="/news/">News</a></div>
<div class="article"><h1>Council Approves Budget for Street Lighting Upgrade</h1>
<div class="info">By Tom Baker | 2024-05-22</div>
<div class="body">{body}</div>
<div class="related"><h3>Related</h3><ul>
<li><a href="/news/a.html">Library Extends Opening Hours During Exam Season</a></li>
<li><a href="/news/b.html">New Bus Timetable Takes Effect on the First of June</a></li>
<li><a href="/news/c.html">Recycling Centre Accepts Electronics From Next Week</a></li>
</ul></div></div>
<div class="footer">Eastbrook Town Council</div></body></html>
""",
        "login.html": """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - Staff Portal</title></head>
<body><div class="top"><a href="/">Home</a> <a href="/help/">Help</a></div>
<form method="post" action="/login"><label>User name <input name="user"></label>
<label>Password <input type="password" name="password"></label><button>Sign in</button></form>
<p><a href="/forgot/">Forgot your password?</a></p></body></html>
""",
        "empty.html": "<!DOCTYPE html><html><head><title></title></head><body></body></html>\n",
    }
    for name, text in pages.items():
        with open(os.path.join(d, name), "w", encoding="utf-8") as f:
            f.write(text)


def main():
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    os.makedirs(ROOT)
    for case in [trs_table, trs_ul, hanweb, wordpress, drupal, plain_table, card_grid, bracket_dates, gbk, two_lists, big_menu, dl_list, trs_script, hanweb_next, hanweb_jpage]:
        case()
    no_lists()


if __name__ == "__main__":
    main()
