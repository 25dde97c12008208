def test_spike(demo, new_context, login, axe):
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    login(page, "admin@caece.demo")
    for path in ["/caece/strategie/matrice/", "/caece/membres/"]:
        page.goto(path)
        print(path, page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => getComputedStyle(e).position == 'absolute' && e.getBoundingClientRect().right > 391).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""))
        page.add_style_tag(content=".table-wrap { position: relative; }")
        print(page.evaluate("document.documentElement.scrollWidth"))
